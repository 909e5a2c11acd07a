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


namespace local_rtcmlms\external;

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once($CFG->libdir . '/externallib.php');
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');

use backup;
use backup_general_helper;
use context_course;
use external_api;
use external_function_parameters;
use external_multiple_structure;
use external_single_structure;
use external_value;
use external_warnings;
use local_rtcmlms\local\courses;
use local_rtcmlms\local\draft;
use local_rtcmlms\local\restore_log;
use moodle_exception;
use restore_controller;
use stdClass;

/**
 * local_rtcmlms_restore_cartridge: restores an IMS Common Cartridge 1.0/1.1 into an existing course.
 *
 * The cartridge goes through Moodle's own course restore, exactly as an upload on the course's
 * Restore page would: the imscc converters turn it into a Moodle backup, then a restore controller
 * adds it to the course (TARGET_EXISTING_ADDING: nothing in the course is deleted, its settings are
 * kept). The answer lists the sections and activities the restore added, and every warning or error
 * that the converter, the prechecks or the restore steps reported, so the caller can tell a clean
 * import from a lossy one without reading Moodle's logs.
 *
 * A restore is not one database transaction (it builds and drops temporary tables): when it fails
 * half-way, what it added so far stays in the course.
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class restore_cartridge extends external_api {

    /** Formats this function restores; a Moodle backup (.mbz) has its own, richer restore path. */
    const CARTRIDGE_FORMATS = [backup::FORMAT_IMSCC1, backup::FORMAT_IMSCC11];

    /**
     * Describes the parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course to restore into'),
            'draftitemid' => new external_value(PARAM_INT,
                'Draft area (from /webservice/upload.php) holding the .imscc file'),
        ]);
    }

    /**
     * Converts and restores the cartridge into the course.
     *
     * @param int $courseid
     * @param int $draftitemid
     * @return array
     */
    public static function execute(int $courseid, int $draftitemid): array {
        global $CFG, $DB, $USER;
        $params = self::validate_parameters(self::execute_parameters(), compact('courseid', 'draftitemid'));

        $course = courses::get($params['courseid']);
        $context = context_course::instance($course->id);
        self::validate_context($context);
        require_capability('moodle/restore:restorecourse', $context);
        require_capability('local/rtcmlms:deploy', $context);

        $file = draft::single_file($params['draftitemid']);
        $extension = \core_text::strtolower(pathinfo($file->get_filename(), PATHINFO_EXTENSION));
        if (!in_array($extension, ['imscc', 'zip'])) {
            throw new moodle_exception('invalidcartridge', 'local_rtcmlms', '', get_string('cartridgenotimscc',
                'local_rtcmlms'));
        }

        $tempdir = restore_controller::get_tempdir_name($course->id, $USER->id);
        $temppath = make_backup_temp_directory('', false) . '/' . $tempdir;
        $cmsbefore = $DB->get_fieldset_select('course_modules', 'id', 'course = ?', [$course->id]);
        $sectionsbefore = $DB->get_fieldset_select('course_sections', 'section', 'course = ?', [$course->id]);
        $log = new restore_log();
        $controller = null;
        $format = '';
        if (empty($CFG->keeptempdirectoriesonbackup)) {
            // Moodle's CC converter ends the request (die) on some malformed cartridges: clean up even then.
            \core_shutdown_manager::register_function('fulldelete', [$temppath]);
        }
        // Converters and restore steps may print (notices, progress): keep that out of the JSON answer.
        ob_start();
        try {
            if (!get_file_packer('application/vnd.moodle.backup')->extract_to_pathname($file, $temppath . '/')) {
                throw new moodle_exception('invalidcartridge', 'local_rtcmlms', '', get_string('cartridgenotzip',
                    'local_rtcmlms'));
            }
            $format = backup_general_helper::detect_backup_format($tempdir);
            if (!in_array($format, self::CARTRIDGE_FORMATS)) {
                throw new moodle_exception('invalidcartridge', 'local_rtcmlms', '', get_string('cartridgeformat',
                    'local_rtcmlms', $format));
            }
            $controller = new restore_controller($tempdir, $course->id, backup::INTERACTIVE_NO, backup::MODE_GENERAL,
                $USER->id, backup::TARGET_EXISTING_ADDING);
            $controller->add_logger($log);
            self::convert($controller);
            $precheck = self::precheck($controller);
            $controller->execute_plan();
        } finally {
            $printed = trim(html_to_text((string) ob_get_clean(), 0, false));
            if (empty($CFG->keeptempdirectoriesonbackup)) {
                fulldelete($temppath); // The restore removes it when it completes; not when it fails.
            }
            if ($controller && $controller->get_plan()) {
                $controller->destroy();
            } else if ($controller) {
                $controller->get_logger()->destroy(); // No plan: the conversion failed before loading one.
            }
        }

        $warnings = [];
        foreach ($precheck as $message) {
            $warnings[] = self::warning('precheck', 'precheckwarning', $message);
        }
        foreach ($log->get_messages() as $entry) {
            $code = $entry['level'] <= backup::LOG_ERROR ? 'restoreerror' : 'restorewarning';
            $warnings[] = self::warning('restore', $code, $entry['message']);
        }
        if ($printed !== '') {
            $warnings[] = self::warning('output', 'printedoutput', $printed);
        }
        return self::created($course, $format, $cmsbefore, $sectionsbefore) + ['warnings' => $warnings];
    }

    /**
     * Runs Moodle's converter from the cartridge to a Moodle backup; a cartridge it refuses is bad input.
     *
     * @param restore_controller $controller
     */
    protected static function convert(restore_controller $controller): void {
        global $CFG;
        // The CC converters load their XML sheets by paths relative to backup/, the folder of the Restore
        // page; a web-service request runs elsewhere, and a sheet not found ends the request (die).
        $cwd = getcwd();
        chdir($CFG->dirroot . '/backup');
        try {
            $controller->convert();
        } catch (\moodle_exception $e) {
            $reason = trim($e->getMessage() . ' ' . ($e->debuginfo ?? ''));
            throw new moodle_exception('invalidcartridge', 'local_rtcmlms', '', $reason);
        } finally {
            chdir($cwd);
        }
    }

    /**
     * Runs the restore prechecks; errors stop the restore, warnings are returned.
     *
     * @param restore_controller $controller
     * @return string[] the precheck warnings
     */
    protected static function precheck(restore_controller $controller): array {
        if ($controller->execute_precheck()) {
            return [];
        }
        $results = $controller->get_precheck_results();
        if (!empty($results['errors'])) {
            throw new moodle_exception('invalidcartridge', 'local_rtcmlms', '', implode(' ', $results['errors']));
        }
        return array_values($results['warnings'] ?? []);
    }

    /**
     * Describes the sections and activities that the restore added to the course.
     *
     * @param stdClass $course
     * @param string $format the detected cartridge format
     * @param int[] $cmsbefore course module ids before the restore
     * @param int[] $sectionsbefore section numbers before the restore
     * @return array
     */
    protected static function created(stdClass $course, string $format, array $cmsbefore, array $sectionsbefore): array {
        rebuild_course_cache($course->id, true);
        $modinfo = get_fast_modinfo($course->id);
        $modules = [];
        $touched = [];
        foreach ($modinfo->get_cms() as $cm) {
            if (in_array($cm->id, $cmsbefore) || $cm->deletioninprogress) {
                continue;
            }
            $modules[] = [
                'cmid' => (int) $cm->id,
                'modname' => $cm->modname,
                'instance' => (int) $cm->instance,
                'name' => $cm->name,
                'sectionnum' => (int) $cm->sectionnum,
            ];
            $touched[$cm->sectionnum] = true;
        }
        $sections = [];
        foreach ($modinfo->get_section_info_all() as $section) {
            $new = !in_array($section->section, $sectionsbefore);
            if ($new || isset($touched[$section->section])) {
                $sections[] = [
                    'sectionnum' => (int) $section->section,
                    'name' => get_section_name($course, $section),
                    'created' => $new,
                ];
            }
        }
        return ['courseid' => (int) $course->id, 'format' => $format, 'sections' => $sections, 'modules' => $modules];
    }

    /**
     * Builds one warning.
     *
     * @param string $item
     * @param string $code
     * @param string $message
     * @return array
     */
    protected static function warning(string $item, string $code, string $message): array {
        return ['item' => $item, 'itemid' => 0, 'warningcode' => $code, 'message' => $message];
    }

    /**
     * Describes the result.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'format' => new external_value(PARAM_ALPHANUM, 'Cartridge format Moodle detected: imscc1 or imscc11'),
            'sections' => new external_multiple_structure(new external_single_structure([
                'sectionnum' => new external_value(PARAM_INT, 'Section number'),
                'name' => new external_value(PARAM_TEXT, 'Section name as the course shows it'),
                'created' => new external_value(PARAM_BOOL, 'True if the restore created the section'),
            ]), 'Sections the restore created or added activities to'),
            'modules' => new external_multiple_structure(new external_single_structure([
                'cmid' => new external_value(PARAM_INT, 'Course module id'),
                'modname' => new external_value(PARAM_PLUGIN, 'Activity type, e.g. page, url, quiz'),
                'instance' => new external_value(PARAM_INT, 'Instance id in the activity\'s table'),
                'name' => new external_value(PARAM_TEXT, 'Activity name'),
                'sectionnum' => new external_value(PARAM_INT, 'Section number'),
            ]), 'Activities the restore created'),
            'warnings' => new external_warnings('precheck, restore or output',
                'always 0', 'precheckwarning, restorewarning, restoreerror or printedoutput'),
        ]);
    }
}
