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

use context_user;
use moodle_exception;
use stored_file;

/**
 * Reads the one file a web-service caller uploaded to a draft area (/webservice/upload.php).
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class draft {

    /**
     * Returns the single file in the current user's draft area draftitemid.
     *
     * Draft areas live in the uploader's user context, so another user's itemid finds nothing here.
     *
     * @param int $draftitemid the itemid that upload.php returned
     * @return stored_file
     * @throws moodle_exception draftfilemissing (no file) or draftfiletoomany (more than one)
     */
    public static function single_file(int $draftitemid): stored_file {
        global $USER;
        $usercontext = context_user::instance($USER->id);
        $files = get_file_storage()->get_area_files($usercontext->id, 'user', 'draft', $draftitemid,
            'filepath, filename', false);
        if (!$files) {
            throw new moodle_exception('draftfilemissing', 'local_rtcmlms', '', $draftitemid);
        }
        if (count($files) > 1) {
            throw new moodle_exception('draftfiletoomany', 'local_rtcmlms', '', (object) [
                'itemid' => $draftitemid, 'count' => count($files)]);
        }
        return reset($files);
    }
}
