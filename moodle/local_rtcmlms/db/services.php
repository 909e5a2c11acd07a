<?php
// This file is part of Moodle - http://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <http://www.gnu.org/licenses/>.

/**
 * Web-service functions of local_rtcmlms, and a ready-made service for the rtcm-lms push client.
 *
 * The service is created disabled: an administrator enables it and issues a token to the deploying
 * user (Site administration > Server > Web services > Manage tokens).
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$functions = [
    'local_rtcmlms_upsert_scorm' => [
        'classname' => 'local_rtcmlms\external\upsert_scorm',
        'description' => 'Creates a SCORM activity from an uploaded draft file, or replaces the package of the '
            . 'activity with the same idnumber in the course (learners\' attempts are kept).',
        'type' => 'write',
        'capabilities' => 'local/rtcmlms:deploy, moodle/course:manageactivities',
    ],
    'local_rtcmlms_import_questions' => [
        'classname' => 'local_rtcmlms\external\import_questions',
        'description' => 'Imports a Moodle XML file from a draft area into the course question bank; '
            . 'questions whose idnumber already exists in their category are skipped.',
        'type' => 'write',
        'capabilities' => 'local/rtcmlms:deploy, moodle/question:add',
    ],
    'local_rtcmlms_get_deployment' => [
        'classname' => 'local_rtcmlms\external\get_deployment',
        'description' => 'Reports, per course, the recorded release, the SCORM activities and the question categories.',
        'type' => 'read',
        'capabilities' => 'local/rtcmlms:deploy',
    ],
    'local_rtcmlms_set_deployment' => [
        'classname' => 'local_rtcmlms\external\set_deployment',
        'description' => 'Records the release and content hash deployed into a course.',
        'type' => 'write',
        'capabilities' => 'local/rtcmlms:deploy',
    ],
    'local_rtcmlms_restore_cartridge' => [
        'classname' => 'local_rtcmlms\external\restore_cartridge',
        'description' => 'Restores an IMS Common Cartridge 1.0/1.1 from a draft file into an existing course through '
            . 'Moodle\'s course restore, and reports the sections, activities and warnings.',
        'type' => 'write',
        'capabilities' => 'moodle/restore:restorecourse, local/rtcmlms:deploy',
    ],
];

$services = [
    'rtcm-lms push' => [
        'shortname' => 'rtcm_lms_push',
        'functions' => [
            'local_rtcmlms_upsert_scorm',
            'local_rtcmlms_import_questions',
            'local_rtcmlms_get_deployment',
            'local_rtcmlms_set_deployment',
            'local_rtcmlms_restore_cartridge',
            'core_webservice_get_site_info',
            'core_course_get_categories',
            'core_course_create_categories',
            'core_course_update_categories',
            'core_course_get_courses_by_field',
            'core_course_create_courses',
            'core_course_update_courses',
            'core_course_get_contents',
            'core_course_edit_section',
            'core_files_delete_draft_files',
            'mod_scorm_get_scorms_by_courses',
        ],
        'restrictedusers' => 0,
        'enabled' => 0,
        'uploadfiles' => 1,
        'downloadfiles' => 0,
    ],
];
