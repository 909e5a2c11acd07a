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
use external_single_structure;
use external_value;
use local_rtcmlms\local\courses;
use moodle_exception;

/**
 * local_rtcmlms_set_deployment: records the release deployed into a course.
 *
 * The push client calls it last, once everything else of the release has landed, so a recorded
 * release means a complete deployment.
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class set_deployment extends external_api {

    /**
     * Describes the parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'release' => new external_value(PARAM_TEXT, 'Release name or version (max 100 characters)'),
            'contenthash' => new external_value(PARAM_ALPHANUMEXT, 'Content hash of the course (max 128 characters)'),
        ]);
    }

    /**
     * Records the deployment.
     *
     * @param int $courseid
     * @param string $release
     * @param string $contenthash
     * @return array
     */
    public static function execute(int $courseid, string $release, string $contenthash): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), compact('courseid', 'release', 'contenthash'));

        $course = courses::get($params['courseid']);
        $context = context_course::instance($course->id);
        self::validate_context($context);
        require_capability('local/rtcmlms:deploy', $context);

        $release = trim($params['release']);
        if ($release === '' || \core_text::strlen($release) > 100) {
            throw new moodle_exception('invalidsetting', 'local_rtcmlms', '', 'release');
        }
        $contenthash = $params['contenthash'];
        if ($contenthash === '' || strlen($contenthash) > 128) {
            throw new moodle_exception('invalidsetting', 'local_rtcmlms', '', 'contenthash');
        }

        $transaction = $DB->start_delegated_transaction();
        $record = $DB->get_record('local_rtcmlms_deployment', ['courseid' => $course->id]);
        $previous = $record ? ['release' => $record->releasename, 'contenthash' => $record->contenthash]
            : ['release' => '', 'contenthash' => ''];
        $now = time();
        if ($record) {
            $record->releasename = $release;
            $record->contenthash = $contenthash;
            $record->timemodified = $now;
            $DB->update_record('local_rtcmlms_deployment', $record);
        } else {
            $DB->insert_record('local_rtcmlms_deployment', (object) ['courseid' => $course->id, 'releasename' => $release,
                'contenthash' => $contenthash, 'timemodified' => $now]);
        }
        $transaction->allow_commit();

        return [
            'courseid' => (int) $course->id,
            'release' => $release,
            'contenthash' => $contenthash,
            'timedeployed' => $now,
            'previousrelease' => $previous['release'],
            'previouscontenthash' => $previous['contenthash'],
        ];
    }

    /**
     * Describes the result.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'release' => new external_value(PARAM_TEXT, 'Release recorded'),
            'contenthash' => new external_value(PARAM_RAW, 'Content hash recorded'),
            'timedeployed' => new external_value(PARAM_INT, 'Time recorded'),
            'previousrelease' => new external_value(PARAM_TEXT, 'Release recorded before, or empty'),
            'previouscontenthash' => new external_value(PARAM_RAW, 'Content hash recorded before, or empty'),
        ]);
    }
}
