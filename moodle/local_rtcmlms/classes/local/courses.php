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

namespace local_rtcmlms\local;

use moodle_exception;
use stdClass;

/**
 * Looks courses up for the external functions, with the plugin's own error code.
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class courses {

    /**
     * Returns the course record; the site front page is not a course here.
     *
     * @param int $courseid
     * @return stdClass
     * @throws moodle_exception coursenotfound
     */
    public static function get(int $courseid): stdClass {
        global $DB;
        $course = $courseid == SITEID ? false : $DB->get_record('course', ['id' => $courseid]);
        if (!$course) {
            throw new moodle_exception('coursenotfound', 'local_rtcmlms', '', $courseid);
        }
        return $course;
    }
}
