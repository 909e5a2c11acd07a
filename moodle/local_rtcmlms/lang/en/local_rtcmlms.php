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
 * English strings of local_rtcmlms.
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['cartridgeformat'] = 'Moodle reads this file as format "{$a}"; only IMS Common Cartridge 1.0 and 1.1 can be restored here.';
$string['cartridgenotimscc'] = 'the file must be an IMS Common Cartridge (.imscc or .zip).';
$string['cartridgenotzip'] = 'the file is not a zip archive.';
$string['coursenotfound'] = 'Course {$a} not found.';
$string['coursenotfoundidnumber'] = 'No course has the idnumber "{$a}".';
$string['draftfilemissing'] = 'Your draft area {$a} holds no file. Upload the file with /webservice/upload.php using the same token: draft areas belong to the user who uploaded them.';
$string['draftfiletoomany'] = 'Draft area {$a->itemid} holds {$a->count} files; upload exactly one file into a new draft area (itemid=0).';
$string['idnumberinuse'] = 'The idnumber "{$a}" belongs to another kind of activity, or to several activities, in this course.';
$string['invalidcartridge'] = 'The cartridge cannot be restored: {$a}';
$string['invalidpackage'] = 'Not a valid SCORM package: {$a}';
$string['invalidquestionfile'] = 'The question file cannot be imported: {$a}';
$string['invalidsetting'] = 'Invalid value for {$a}.';
$string['missingidnumber'] = 'Question "{$a}" has no idnumber: every imported question needs one, so that an import can be repeated safely.';
$string['packagenotparsed'] = 'Moodle could not read the package\'s imsmanifest.xml.';
$string['packagenotzip'] = 'the file must be a .zip archive.';
$string['passgraderequired'] = 'completionpassgrade needs a passgrade above 0.';
$string['pluginname'] = 'rtcm-lms deployment';
$string['privacy:metadata'] = 'The rtcm-lms deployment plugin stores no personal data: it records only which release was deployed into which course.';
$string['questionfilenotxml'] = 'the file must be a Moodle XML file (.xml).';
$string['rtcmlms:deploy'] = 'Deploy rtcm-lms releases (SCORM packages and question banks) into a course';
$string['wrongcontext'] = 'The category "{$a}" names a context other than $course$; questions are imported into the course only.';
