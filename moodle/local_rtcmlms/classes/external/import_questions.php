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
use local_rtcmlms\local\courses;
use local_rtcmlms\local\draft;
use local_rtcmlms\local\question_importer;
use moodle_exception;

/**
 * local_rtcmlms_import_questions: imports a Moodle XML file into a course question bank, idempotently.
 *
 * The file names its own category ($course$/top/RTCM/<module>/<course>); qformat_xml creates it
 * when missing. Questions whose idnumber already exists in their category are skipped, not
 * updated: the XML import has no update path, and an edit would have to become a new question
 * version that running quizzes may not expect. A changed question gets a new idnumber instead.
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class import_questions extends external_api {

    /**
     * Describes the parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'draftitemid' => new external_value(PARAM_INT, 'Draft area (from /webservice/upload.php) holding the .xml file'),
        ]);
    }

    /**
     * Imports the questions of the draft file that are not in the bank yet.
     *
     * @param int $courseid
     * @param int $draftitemid
     * @return array
     */
    public static function execute(int $courseid, int $draftitemid): array {
        global $CFG, $DB;
        require_once($CFG->libdir . '/questionlib.php');
        $params = self::validate_parameters(self::execute_parameters(), compact('courseid', 'draftitemid'));

        $course = courses::get($params['courseid']);
        $context = context_course::instance($course->id);
        self::validate_context($context);
        require_capability('local/rtcmlms:deploy', $context);
        require_capability('moodle/question:add', $context);

        $file = draft::single_file($params['draftitemid']);
        if (\core_text::strtolower(substr($file->get_filename(), -4)) !== '.xml') {
            throw new moodle_exception('invalidquestionfile', 'local_rtcmlms', '', get_string('questionfilenotxml',
                'local_rtcmlms'));
        }
        $path = make_request_directory() . '/questions.xml';
        $file->copy_content_to($path);

        $transaction = $DB->start_delegated_transaction();
        try {
            $importer = new question_importer();
            $importer->setCategory(question_make_default_categories([$context]));
            $importer->setContexts([$context]);
            $importer->setCourse($course);
            $importer->setFilename($path);
            $importer->setRealfilename($file->get_filename());
            $importer->setMatchgrades('error');
            $importer->setCatfromfile(true);
            $importer->setContextfromfile(false);
            $importer->setStoponerror(true);
            $importer->set_display_progress(false);

            // qformat reports problems by printing them: keep that out of the JSON answer and into the error.
            ob_start();
            try {
                $ok = $importer->importpreprocess() && $importer->importprocess() && $importer->importpostprocess();
            } finally {
                $printed = trim(html_to_text(ob_get_clean(), 0, false));
            }
            if (!$ok || $importer->importerrors > 0) {
                throw new moodle_exception('invalidquestionfile', 'local_rtcmlms', '', $printed ?: '?');
            }
            $category = $importer->category;
            if ($importer->questionids) {
                \core\event\questions_imported::create([
                    'contextid' => $category->contextid,
                    'other' => ['format' => 'xml', 'categoryid' => $category->id],
                ])->trigger();
            }
            $transaction->allow_commit();
        } catch (\Throwable $e) {
            if (!$transaction->is_disposed()) {
                $transaction->rollback($e);
            }
            throw $e;
        }

        return [
            'categoryid' => (int) $category->id,
            'categoryname' => $category->name,
            'contextid' => (int) $category->contextid,
            'imported' => count($importer->questionids),
            'skipped' => count($importer->skippedidnumbers),
            'total' => $DB->count_records('question_bank_entries', ['questioncategoryid' => $category->id]),
            'importedidnumbers' => $importer->newidnumbers,
            'skippedidnumbers' => $importer->skippedidnumbers,
        ];
    }

    /**
     * Describes the result.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'categoryid' => new external_value(PARAM_INT, 'The category the last questions of the file went into'),
            'categoryname' => new external_value(PARAM_TEXT, 'Its name'),
            'contextid' => new external_value(PARAM_INT, 'Its context (the course)'),
            'imported' => new external_value(PARAM_INT, 'Questions imported by this call'),
            'skipped' => new external_value(PARAM_INT, 'Questions skipped because their idnumber exists'),
            'total' => new external_value(PARAM_INT, 'Questions in that category now'),
            'importedidnumbers' => new external_multiple_structure(new external_value(PARAM_RAW, 'idnumber'),
                'idnumbers of the imported questions'),
            'skippedidnumbers' => new external_multiple_structure(new external_value(PARAM_RAW, 'idnumber'),
                'idnumbers of the skipped questions'),
        ]);
    }
}
