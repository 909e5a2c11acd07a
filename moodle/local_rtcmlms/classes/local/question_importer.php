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

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->dirroot . '/question/format.php');
require_once($CFG->dirroot . '/question/format/xml/format.php');

use moodle_exception;

/**
 * Moodle XML import that is idempotent by question idnumber.
 *
 * qformat_xml itself imports every question again, dropping the idnumber of a duplicate. This
 * subclass only filters what qformat_xml parsed, before core writes anything: a question whose
 * idnumber already exists in the category it would land in (or earlier in the same file) is
 * skipped. Every question must carry an idnumber, or the import could not be repeated safely.
 * Categories are resolved the way question/format.php resolves them, read-only; all of them are in
 * the import context (the course), whatever context the file names.
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class question_importer extends \qformat_xml {

    /** @var string[] idnumbers of the questions skipped because they exist already. */
    public $skippedidnumbers = [];

    /** @var string[] idnumbers of the questions handed to core for import. */
    public $newidnumbers = [];

    /**
     * Hands a question element to the question type that reads it from Moodle XML.
     *
     * Core derives the method name from the class name ("qformat_xml" -> import_from_xml); ours is
     * not called qformat_xml, so without this types that import themselves (gapselect, ddwtos, ...)
     * would be reported as unsupported.
     *
     * @param array $data the parsed XML of one question
     * @param object|null $question a question under construction, if any
     * @param mixed $extra passed through to the question type
     * @param string $qtypehint the type named in the file
     * @return object|false the question, or false when no type reads it
     */
    public function try_importing_using_qtypes($data, $question = null, $extra = null, $qtypehint = '') {
        $candidates = [];
        if ($qtypehint !== '') {
            $candidates[] = \question_bank::get_qtype($qtypehint, false);
        }
        $candidates = array_merge($candidates, array_values(\question_bank::get_all_qtypes()));
        foreach ($candidates as $qtype) {
            if (is_object($qtype) && method_exists($qtype, 'import_from_xml')) {
                $imported = $qtype->import_from_xml($data, $question, $this, $extra);
                if ($imported) {
                    return $imported;
                }
            }
        }
        return false;
    }

    /**
     * Parses the file, then drops the questions that are already in the bank.
     *
     * @param array $lines the file's lines
     * @return array|false question objects, categories included
     */
    public function readquestions($lines) {
        global $DB;
        $questions = parent::readquestions($lines);
        if (!is_array($questions)) {
            return $questions;
        }
        $categoryid = $this->category->id;
        $categorykey = 'default';
        $seen = [];
        $kept = [];
        foreach ($questions as $question) {
            if ($question->qtype === 'category') {
                if ($this->catfromfile) {
                    $categorykey = $question->category;
                    $categoryid = $this->find_category($question->category);
                }
                $kept[] = $question;
                continue;
            }
            $idnumber = trim((string) ($question->idnumber ?? ''));
            if ($idnumber === '') {
                throw new moodle_exception('missingidnumber', 'local_rtcmlms', '', s($question->name ?? ''));
            }
            $exists = isset($seen[$categorykey][$idnumber]) || ($categoryid && $DB->record_exists('question_bank_entries',
                ['questioncategoryid' => $categoryid, 'idnumber' => $idnumber]));
            if ($exists) {
                $this->skippedidnumbers[] = $idnumber;
                continue;
            }
            $seen[$categorykey][$idnumber] = true;
            $this->newidnumbers[] = $idnumber;
            $kept[] = $question;
        }
        return $kept;
    }

    /**
     * Finds, without creating anything, the category a category path of the file names.
     *
     * @param string $path e.g. $course$/top/RTCM/M03/M03-T08
     * @return int|null the category id, or null if it does not exist yet (so nothing in it exists)
     */
    protected function find_category(string $path): ?int {
        global $DB;
        $names = $this->split_category_path($path);
        if ($names && preg_match('/^\$([a-z]+)\$$/', $names[0], $matches)) {
            if ($matches[1] !== 'course') {
                throw new moodle_exception('wrongcontext', 'local_rtcmlms', '', s($path));
            }
            array_shift($names);
        }
        if (isset($names[0]) && ($names[0] != 'top' || count($names) < 3)) {
            array_unshift($names, 'top');
        }
        $parent = 0;
        foreach ($names as $name) {
            if ($parent == 0) {
                $top = question_get_top_category($this->importcontext->id, false);
                if (!$top) {
                    return null;
                }
                $parent = (int) $top->id;
                continue;
            }
            $category = $DB->get_record('question_categories', ['name' => $name, 'contextid' => $this->importcontext->id,
                'parent' => $parent], 'id', IGNORE_MULTIPLE);
            if ($category) {
                $parent = (int) $category->id;
            } else if ($name !== 'top') {
                return null;
            }
        }
        return $parent ?: null;
    }
}
