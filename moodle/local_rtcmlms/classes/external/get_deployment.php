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

use context_course;
use external_api;
use external_function_parameters;
use external_multiple_structure;
use external_single_structure;
use external_value;
use external_warnings;
use stdClass;

/**
 * local_rtcmlms_get_deployment: what is deployed in some courses, for the push client's plan.
 *
 * Courses are named by id or idnumber. A course that does not exist, or that the caller may not
 * deploy to, is reported as a warning rather than an error: "not created yet" is a normal state
 * for a plan.
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_deployment extends external_api {

    /**
     * Describes the parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseids' => new external_multiple_structure(new external_value(PARAM_INT, 'Course id'),
                'Courses by id', VALUE_DEFAULT, []),
            'courseidnumbers' => new external_multiple_structure(new external_value(PARAM_RAW, 'Course idnumber'),
                'Courses by idnumber', VALUE_DEFAULT, []),
        ]);
    }

    /**
     * Reports each course's deployment.
     *
     * @param int[] $courseids
     * @param string[] $courseidnumbers
     * @return array
     */
    public static function execute(array $courseids = [], array $courseidnumbers = []): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), compact('courseids', 'courseidnumbers'));

        $warnings = [];
        $wanted = [];
        foreach (array_unique($params['courseids']) as $id) {
            $course = $id == SITEID ? false : $DB->get_record('course', ['id' => $id]);
            if ($course) {
                $wanted[$course->id] = $course;
            } else {
                $warnings[] = self::warning('course', $id, 'coursenotfound', get_string('coursenotfound', 'local_rtcmlms', $id));
            }
        }
        foreach (array_unique($params['courseidnumbers']) as $idnumber) {
            $course = $idnumber === '' ? false : $DB->get_record('course', ['idnumber' => $idnumber]);
            if ($course && $course->id != SITEID) {
                $wanted[$course->id] = $course;
            } else {
                $warnings[] = self::warning('courseidnumber', 0, 'coursenotfound',
                    get_string('coursenotfoundidnumber', 'local_rtcmlms', s($idnumber)));
            }
        }

        $courses = [];
        foreach ($wanted as $course) {
            $context = context_course::instance($course->id);
            try {
                self::validate_context($context);
                require_capability('local/rtcmlms:deploy', $context);
            } catch (\moodle_exception $e) {
                $warnings[] = self::warning('course', $course->id, 'nopermissions', $e->getMessage());
                continue;
            }
            $courses[] = self::describe($course, $context);
        }
        return ['courses' => $courses, 'warnings' => $warnings];
    }

    /**
     * Builds one warning.
     *
     * @param string $item
     * @param int $itemid
     * @param string $code
     * @param string $message
     * @return array
     */
    protected static function warning(string $item, int $itemid, string $code, string $message): array {
        return ['item' => $item, 'itemid' => $itemid, 'warningcode' => $code, 'message' => $message];
    }

    /**
     * Describes what is deployed in one course.
     *
     * @param stdClass $course
     * @param context_course $context
     * @return array
     */
    protected static function describe(stdClass $course, context_course $context): array {
        global $DB;
        $record = $DB->get_record('local_rtcmlms_deployment', ['courseid' => $course->id]);

        $modinfo = get_fast_modinfo($course);
        $cms = $modinfo->get_instances_of('scorm');
        $instances = $cms ? $DB->get_records_list('scorm', 'id', array_keys($cms), '', 'id, sha1hash, version, timemodified')
            : [];
        $scorms = [];
        foreach ($cms as $scormid => $cm) {
            if ($cm->deletioninprogress || !isset($instances[$scormid])) {
                continue;
            }
            $scorms[] = [
                'idnumber' => (string) $cm->idnumber,
                'cmid' => (int) $cm->id,
                'scormid' => (int) $scormid,
                'name' => $cm->name,
                'sectionnum' => (int) $cm->sectionnum,
                'visible' => (bool) $cm->visible,
                'sha1hash' => (string) $instances[$scormid]->sha1hash,
                'version' => (string) $instances[$scormid]->version,
                'timemodified' => (int) $instances[$scormid]->timemodified,
            ];
        }

        return [
            'courseid' => (int) $course->id,
            'idnumber' => (string) $course->idnumber,
            'shortname' => $course->shortname,
            'release' => $record ? $record->releasename : '',
            'contenthash' => $record ? $record->contenthash : '',
            'timedeployed' => $record ? (int) $record->timemodified : 0,
            'scorms' => $scorms,
            'questioncategories' => self::question_categories($context),
        ];
    }

    /**
     * The question categories of the course context with their paths and question idnumbers.
     *
     * @param context_course $context
     * @return array
     */
    protected static function question_categories(context_course $context): array {
        global $DB;
        $categories = $DB->get_records('question_categories', ['contextid' => $context->id], 'id',
            'id, name, parent, idnumber');
        $entries = $DB->get_recordset_sql(
            'SELECT qbe.id, qbe.questioncategoryid, qbe.idnumber
               FROM {question_bank_entries} qbe
               JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
              WHERE qc.contextid = ?
           ORDER BY qbe.id', [$context->id]);
        $counts = [];
        $idnumbers = [];
        foreach ($entries as $entry) {
            $counts[$entry->questioncategoryid] = ($counts[$entry->questioncategoryid] ?? 0) + 1;
            if ((string) $entry->idnumber !== '') {
                $idnumbers[$entry->questioncategoryid][] = $entry->idnumber;
            }
        }
        $entries->close();

        $result = [];
        foreach ($categories as $category) {
            if ($category->parent == 0) {
                continue; // The hidden "top" category of the context.
            }
            $names = [];
            for ($node = $category; $node && $node->parent != 0; $node = $categories[$node->parent] ?? null) {
                array_unshift($names, $node->name);
            }
            $result[] = [
                'id' => (int) $category->id,
                'name' => $category->name,
                'path' => 'top/' . implode('/', $names),
                'idnumber' => (string) $category->idnumber,
                'questioncount' => $counts[$category->id] ?? 0,
                'questionidnumbers' => $idnumbers[$category->id] ?? [],
            ];
        }
        return $result;
    }

    /**
     * Describes the result.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courses' => new external_multiple_structure(new external_single_structure([
                'courseid' => new external_value(PARAM_INT, 'Course id'),
                'idnumber' => new external_value(PARAM_RAW, 'Course idnumber'),
                'shortname' => new external_value(PARAM_TEXT, 'Course short name'),
                'release' => new external_value(PARAM_TEXT, 'Release recorded by set_deployment, or empty'),
                'contenthash' => new external_value(PARAM_RAW, 'Content hash recorded by set_deployment, or empty'),
                'timedeployed' => new external_value(PARAM_INT, 'When it was recorded (0: never)'),
                'scorms' => new external_multiple_structure(new external_single_structure([
                    'idnumber' => new external_value(PARAM_RAW, 'Activity idnumber'),
                    'cmid' => new external_value(PARAM_INT, 'Course module id'),
                    'scormid' => new external_value(PARAM_INT, 'SCORM instance id'),
                    'name' => new external_value(PARAM_TEXT, 'Activity name'),
                    'sectionnum' => new external_value(PARAM_INT, 'Section number'),
                    'visible' => new external_value(PARAM_BOOL, 'Visible'),
                    'sha1hash' => new external_value(PARAM_RAW, 'sha1 of the package'),
                    'version' => new external_value(PARAM_NOTAGS, 'Package standard as mod_scorm read it'),
                    'timemodified' => new external_value(PARAM_INT, 'Last change of the activity'),
                ])),
                'questioncategories' => new external_multiple_structure(new external_single_structure([
                    'id' => new external_value(PARAM_INT, 'Category id'),
                    'name' => new external_value(PARAM_TEXT, 'Category name'),
                    'path' => new external_value(PARAM_TEXT, 'Path from the context\'s top category, e.g. top/RTCM/M03'),
                    'idnumber' => new external_value(PARAM_RAW, 'Category idnumber'),
                    'questioncount' => new external_value(PARAM_INT, 'Questions (bank entries) in the category'),
                    'questionidnumbers' => new external_multiple_structure(
                        new external_value(PARAM_RAW, 'Question idnumber'), 'idnumbers of its questions'),
                ])),
            ])),
            'warnings' => new external_warnings(),
        ]);
    }
}
