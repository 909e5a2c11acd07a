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
use grade_item;
use local_rtcmlms\local\courses;
use local_rtcmlms\local\draft;
use moodle_exception;
use stdClass;

/**
 * local_rtcmlms_upsert_scorm: creates or updates a SCORM activity, found by idnumber, from a draft file.
 *
 * The package is checked with scorm_validate_package before anything is written. An existing
 * activity is updated through update_moduleinfo, so mod_scorm itself replaces the package: it
 * compares the sha1 of the new file with the stored one and re-parses the manifest only when they
 * differ, matching items by identifier, so learners' tracks of the items that keep their identifier
 * survive. Identical bytes and identical settings change nothing and report "unchanged".
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class upsert_scorm extends external_api {

    /** @var string[] scorm settings that take the site default on creation and are kept on update unless given. */
    const SETTINGS = [
        'grademethod', 'maxgrade', 'whatgrade', 'maxattempt', 'forcenewattempt', 'lastattemptlock',
        'forcecompleted', 'masteryoverride', 'auto', 'popup', 'width', 'height', 'skipview', 'hidebrowse',
        'displaycoursestructure', 'hidetoc', 'nav', 'displayattemptstatus',
    ];

    /** @var int[][] allowed values of the enumerated settings. */
    const CHOICES = [
        'grademethod' => [0, 1, 2, 3],   // GRADESCOES, GRADEHIGHEST, GRADEAVERAGE, GRADESUM.
        'whatgrade' => [0, 1, 2, 3],     // HIGHESTATTEMPT, AVERAGEATTEMPT, FIRSTATTEMPT, LASTATTEMPT.
        'forcenewattempt' => [0, 1, 2],
        'popup' => [0, 1],
        'skipview' => [0, 1, 2],
        'hidebrowse' => [0, 1],
        'displaycoursestructure' => [0, 1],
        'hidetoc' => [0, 1, 2, 3],
        'nav' => [0, 1, 2],
        'displayattemptstatus' => [0, 1, 2, 3],
        'lastattemptlock' => [0, 1],
        'forcecompleted' => [0, 1],
        'masteryoverride' => [0, 1],
        'auto' => [0, 1],
    ];

    /** @var int[] completionstatus names and the bits of scorm.completionstatusrequired (see scorm_status_options). */
    const COMPLETION_STATUS = ['none' => 0, 'passed' => 2, 'completed' => 4, 'passedorcompleted' => 6];

    /**
     * Describes the parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        $int = function (string $text): external_value {
            return new external_value(PARAM_INT, $text . ' (default: site default on creation, unchanged on update)',
                VALUE_DEFAULT, null);
        };
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'sectionnum' => new external_value(PARAM_INT, 'Section number (0 = general); the activity is moved there'),
            'idnumber' => new external_value(PARAM_RAW, 'Activity idnumber, the key of the upsert (max 100 characters)'),
            'name' => new external_value(PARAM_TEXT, 'Activity name'),
            'draftitemid' => new external_value(PARAM_INT, 'Draft area (from /webservice/upload.php) holding the zip'),
            'intro' => new external_value(PARAM_RAW, 'Description (HTML); null keeps the current one', VALUE_DEFAULT, null),
            'visible' => new external_value(PARAM_BOOL, 'Visible to learners; null: visible on creation, unchanged on update',
                VALUE_DEFAULT, null),
            'grademethod' => $int('Grading method: 0 learning objects, 1 highest, 2 average, 3 sum'),
            'maxgrade' => $int('Maximum grade (0-100)'),
            'whatgrade' => $int('Attempts grading: 0 highest, 1 average, 2 first, 3 last'),
            'maxattempt' => $int('Number of attempts (0 = unlimited)'),
            'passgrade' => new external_value(PARAM_FLOAT,
                'Grade to pass in percent of the maximum grade (0-100); null keeps the current one', VALUE_DEFAULT, null),
            'completionstatus' => new external_value(PARAM_ALPHA,
                'Automatic completion on status: passed, completed, passedorcompleted or none', VALUE_DEFAULT, 'passed'),
            'completionpassgrade' => new external_value(PARAM_BOOL,
                'Also require a passing grade for completion (needs passgrade > 0)', VALUE_DEFAULT, false),
            'display' => new external_single_structure([
                'popup' => $int('0 current window, 1 new window'),
                'width' => $int('Width of the player (pixels, or percent if <= 100)'),
                'height' => $int('Height of the player (pixels, or percent if <= 100)'),
                'skipview' => $int('Skip the entry page: 0 never, 1 first time, 2 always'),
                'hidebrowse' => $int('Hide preview mode: 0 no, 1 yes'),
                'displaycoursestructure' => $int('Show the course structure on the entry page: 0 no, 1 yes'),
                'hidetoc' => $int('Table of contents: 0 beside, 1 hidden, 2 in a drop-down, 3 disabled'),
                'nav' => $int('Navigation buttons: 0 no, 1 under content, 2 floating'),
                'displayattemptstatus' => $int('Attempt status: 0 no, 1 dashboard and entry page, 2 dashboard, 3 entry page'),
                'forcenewattempt' => $int('Force new attempt: 0 no, 1 when completed, 2 always'),
                'lastattemptlock' => $int('Lock after final attempt: 0 no, 1 yes'),
                'forcecompleted' => $int('Force completed: 0 no, 1 yes'),
                'masteryoverride' => $int('Mastery score overrides status: 0 no, 1 yes'),
                'auto' => $int('Auto-continue: 0 no, 1 yes'),
            ], 'Display and attempt options', VALUE_DEFAULT, []),
        ]);
    }

    /**
     * Creates or updates the SCORM activity.
     *
     * @param int $courseid
     * @param int $sectionnum
     * @param string $idnumber
     * @param string $name
     * @param int $draftitemid
     * @param string|null $intro
     * @param bool|null $visible
     * @param int|null $grademethod
     * @param int|null $maxgrade
     * @param int|null $whatgrade
     * @param int|null $maxattempt
     * @param float|null $passgrade
     * @param string $completionstatus
     * @param bool $completionpassgrade
     * @param array $display
     * @return array
     */
    public static function execute(int $courseid, int $sectionnum, string $idnumber, string $name, int $draftitemid,
            ?string $intro = null, ?bool $visible = null, ?int $grademethod = null, ?int $maxgrade = null,
            ?int $whatgrade = null, ?int $maxattempt = null, ?float $passgrade = null,
            string $completionstatus = 'passed', bool $completionpassgrade = false, array $display = []): array {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/course/lib.php');
        require_once($CFG->dirroot . '/course/modlib.php');
        require_once($CFG->dirroot . '/mod/scorm/lib.php');
        require_once($CFG->dirroot . '/mod/scorm/locallib.php');
        require_once($CFG->libdir . '/gradelib.php');
        require_once($CFG->libdir . '/completionlib.php');

        $params = self::validate_parameters(self::execute_parameters(), compact('courseid', 'sectionnum', 'idnumber',
            'name', 'draftitemid', 'intro', 'visible', 'grademethod', 'maxgrade', 'whatgrade', 'maxattempt', 'passgrade',
            'completionstatus', 'completionpassgrade', 'display'));

        $course = courses::get($params['courseid']);
        $context = context_course::instance($course->id);
        self::validate_context($context);
        require_capability('local/rtcmlms:deploy', $context);
        require_capability('moodle/course:manageactivities', $context);

        $wanted = self::wanted_settings($params);
        $idnumber = trim($params['idnumber']);
        if ($idnumber === '' || \core_text::strlen($idnumber) > 100) {
            throw new moodle_exception('invalidsetting', 'local_rtcmlms', '', 'idnumber');
        }
        $name = trim($params['name']);
        if ($name === '') {
            throw new moodle_exception('invalidsetting', 'local_rtcmlms', '', 'name');
        }
        $maxsections = (int) (get_config('moodlecourse', 'maxsections') ?: 52);
        if ($params['sectionnum'] < 0 || $params['sectionnum'] > max($maxsections, course_get_format($course)->get_last_section_number())) {
            throw new moodle_exception('invalidsetting', 'local_rtcmlms', '', 'sectionnum');
        }

        // Check the package before anything is written.
        $file = draft::single_file($params['draftitemid']);
        if (\core_text::strtolower(substr($file->get_filename(), -4)) !== '.zip') {
            throw new moodle_exception('invalidpackage', 'local_rtcmlms', '', get_string('packagenotzip', 'local_rtcmlms'));
        }
        $errors = scorm_validate_package($file);
        if ($errors) {
            throw new moodle_exception('invalidpackage', 'local_rtcmlms', '', implode(' ', $errors));
        }
        $sha1 = $file->get_contenthash();

        $existing = self::find_activity($course, $idnumber);

        $transaction = $DB->start_delegated_transaction();
        try {
            if ($existing) {
                [$status, $cmid] = self::update($course, $existing, $params, $wanted, $name, $idnumber, $sha1);
            } else {
                [$status, $cmid] = self::create($course, $params, $wanted, $name, $idnumber);
            }
            $cm = get_coursemodule_from_id('scorm', $cmid, $course->id, false, MUST_EXIST);
            $scorm = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);
            $launchable = $DB->count_records_select('scorm_scoes', 'scorm = ? AND ' .
                $DB->sql_isnotempty('scorm_scoes', 'launch', false, true), [$scorm->id]);
            if ($status !== 'unchanged' && (!in_array($scorm->version, ['SCORM_1.2', 'SCORM_1.3', 'AICC'], true)
                    || !$launchable || $scorm->sha1hash !== $sha1)) {
                // mod_scorm could not read the manifest, or found nothing to launch: undo everything.
                throw new moodle_exception('invalidpackage', 'local_rtcmlms', '',
                    get_string('packagenotparsed', 'local_rtcmlms'));
            }
            $gradepass = self::apply_gradepass($course, $scorm, $params['passgrade']);
            $transaction->allow_commit();
        } catch (\Throwable $e) {
            try {
                $transaction->rollback($e);
            } finally {
                // Caches are not transactional: the module cache built inside the transaction carries a
                // revision newer than the rolled-back course.cacherev, so delete it rather than outbid it.
                $cache = \cache::make('core', 'coursemodinfo');
                if ($cache->acquire_lock($course->id)) {
                    try {
                        $cache->delete($course->id);
                    } finally {
                        $cache->release_lock($course->id);
                    }
                }
                rebuild_course_cache($course->id, true);
            }
        }

        return [
            'status' => $status,
            'cmid' => (int) $cm->id,
            'scormid' => (int) $scorm->id,
            'sha1hash' => $scorm->sha1hash,
            'packagechanged' => $status === 'created' || !empty($existing->sha1hash) && $existing->sha1hash !== $sha1,
            'version' => $scorm->version,
            'sectionnum' => (int) $DB->get_field('course_sections', 'section', ['id' => $cm->section]),
            'gradepass' => $gradepass,
        ];
    }

    /**
     * Describes the result.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'status' => new external_value(PARAM_ALPHA, 'created, updated or unchanged'),
            'cmid' => new external_value(PARAM_INT, 'Course module id'),
            'scormid' => new external_value(PARAM_INT, 'SCORM instance id'),
            'sha1hash' => new external_value(PARAM_ALPHANUM, 'sha1 of the package now in the activity'),
            'packagechanged' => new external_value(PARAM_BOOL, 'Whether the package was (re)placed by this call'),
            'version' => new external_value(PARAM_NOTAGS, 'Package standard as mod_scorm read it (SCORM_1.2, SCORM_1.3, AICC)'),
            'sectionnum' => new external_value(PARAM_INT, 'Section number the activity is in'),
            'gradepass' => new external_value(PARAM_FLOAT, 'Grade to pass in the gradebook (points)'),
        ]);
    }

    /**
     * Checks the settings given and returns them as scorm fields (null: not given).
     *
     * @param array $params validated parameters
     * @return array field => int|null
     */
    protected static function wanted_settings(array $params): array {
        $wanted = [];
        foreach (self::SETTINGS as $field) {
            $value = array_key_exists($field, $params) ? $params[$field] : ($params['display'][$field] ?? null);
            if ($value !== null) {
                $value = (int) $value;
                $ok = isset(self::CHOICES[$field]) ? in_array($value, self::CHOICES[$field], true)
                    : ($field === 'maxgrade' ? $value >= 0 && $value <= 100 : $value >= 0);
                if (!$ok) {
                    throw new moodle_exception('invalidsetting', 'local_rtcmlms', '', $field);
                }
            }
            $wanted[$field] = $value;
        }
        if ($params['passgrade'] !== null && ($params['passgrade'] < 0 || $params['passgrade'] > 100)) {
            throw new moodle_exception('invalidsetting', 'local_rtcmlms', '', 'passgrade');
        }
        if (!array_key_exists($params['completionstatus'], self::COMPLETION_STATUS)) {
            throw new moodle_exception('invalidsetting', 'local_rtcmlms', '', 'completionstatus');
        }
        if ($params['completionpassgrade'] && empty($params['passgrade'])) {
            throw new moodle_exception('passgraderequired', 'local_rtcmlms');
        }
        return $wanted;
    }

    /**
     * Returns the SCORM activity of the course with this idnumber, or null.
     *
     * @param stdClass $course
     * @param string $idnumber
     * @return stdClass|null the course module with the scorm's sha1hash
     * @throws moodle_exception idnumberinuse when another kind of activity, or several, have it
     */
    protected static function find_activity(stdClass $course, string $idnumber): ?stdClass {
        global $DB;
        $found = [];
        foreach (get_fast_modinfo($course)->get_cms() as $cminfo) {
            if ($cminfo->idnumber === $idnumber && !$cminfo->deletioninprogress) {
                $found[] = $cminfo;
            }
        }
        if (!$found) {
            return null;
        }
        if (count($found) > 1 || $found[0]->modname !== 'scorm') {
            throw new moodle_exception('idnumberinuse', 'local_rtcmlms', '', $idnumber);
        }
        $cm = get_coursemodule_from_id('scorm', $found[0]->id, $course->id, false, MUST_EXIST);
        $cm->sha1hash = $DB->get_field('scorm', 'sha1hash', ['id' => $cm->instance], MUST_EXIST);
        return $cm;
    }

    /**
     * The completion fields of the course module and the scorm record for these parameters.
     *
     * @param array $params
     * @param stdClass $course
     * @return array field => value
     */
    protected static function wanted_completion(array $params, stdClass $course): array {
        $statusbits = self::COMPLETION_STATUS[$params['completionstatus']];
        $usegrade = (bool) $params['completionpassgrade'];
        $scormrules = [
            'completionstatusrequired' => $statusbits ?: null,
            'completionscorerequired' => null,
            'completionstatusallscos' => 0,
        ];
        if (!(new \completion_info($course))->is_enabled()) {
            // Moodle ignores the course module's completion fields then; only the rules are kept.
            return $scormrules;
        }
        return $scormrules + [
            'completion' => ($statusbits || $usegrade) ? COMPLETION_TRACKING_AUTOMATIC : COMPLETION_TRACKING_NONE,
            'completionview' => COMPLETION_VIEW_NOT_REQUIRED,
            'completiongradeitemnumber' => $usegrade ? 0 : null,
            'completionpassgrade' => $usegrade ? 1 : 0,
        ];
    }

    /**
     * Creates the activity with add_moduleinfo.
     *
     * @param stdClass $course
     * @param array $params
     * @param array $wanted
     * @param string $name
     * @param string $idnumber
     * @return array [status, cmid]
     */
    protected static function create(stdClass $course, array $params, array $wanted, string $name,
            string $idnumber): array {
        // Checks manageactivities, creates missing sections and applies the course's completion defaults.
        [, , , , $data] = prepare_new_moduleinfo_data($course, 'scorm', $params['sectionnum']);
        $cfg = get_config('scorm');
        $defaults = [
            'grademethod' => $cfg->grademethod ?? GRADEHIGHEST, 'maxgrade' => $cfg->maxgrade ?? 100,
            'whatgrade' => $cfg->whatgrade ?? HIGHESTATTEMPT, 'maxattempt' => $cfg->maxattempt ?? 0,
            'forcenewattempt' => $cfg->forcenewattempt ?? 0, 'lastattemptlock' => $cfg->lastattemptlock ?? 0,
            'forcecompleted' => $cfg->forcecompleted ?? 0, 'masteryoverride' => $cfg->masteryoverride ?? 1,
            'auto' => $cfg->auto ?? 0, 'popup' => $cfg->popup ?? 0, 'width' => $cfg->framewidth ?? 100,
            'height' => $cfg->frameheight ?? 500, 'skipview' => $cfg->skipview ?? 0, 'hidebrowse' => $cfg->hidebrowse ?? 0,
            'displaycoursestructure' => $cfg->displaycoursestructure ?? 0, 'hidetoc' => $cfg->hidetoc ?? 0,
            'nav' => $cfg->nav ?? 1, 'displayattemptstatus' => $cfg->displayattemptstatus ?? 1,
        ];
        foreach ($wanted as $field => $value) {
            $data->$field = $value ?? $defaults[$field];
        }
        foreach (self::wanted_completion($params, $course) as $field => $value) {
            $data->$field = $value;
        }
        self::popup_options($data, '');
        $data->name = $name;
        $data->introeditor['text'] = $params['intro'] ?? '';
        $data->introeditor['format'] = FORMAT_HTML;
        $data->cmidnumber = $idnumber;
        $data->visible = ($params['visible'] ?? true) ? 1 : 0;
        $data->visibleoncoursepage = 1;
        $data->scormtype = SCORM_TYPE_LOCAL;
        $data->packagefile = $params['draftitemid'];
        $data->packageurl = '';
        $data->updatefreq = SCORM_UPDATE_NEVER;
        $data->navpositionleft = $cfg->navpositionleft ?? -100;
        $data->navpositiontop = $cfg->navpositiontop ?? -100;
        $data->timeopen = 0;
        $data->timeclose = 0;
        $data = add_moduleinfo($data, $course);
        return ['created', (int) $data->coursemodule];
    }

    /**
     * Updates the activity with update_moduleinfo, or leaves it alone when nothing differs.
     *
     * @param stdClass $course
     * @param stdClass $cm the course module, with the scorm's sha1hash
     * @param array $params
     * @param array $wanted
     * @param string $name
     * @param string $idnumber
     * @param string $sha1 sha1 of the new package
     * @return array [status, cmid]
     */
    protected static function update(stdClass $course, stdClass $cm, array $params, array $wanted, string $name,
            string $idnumber, string $sha1): array {
        global $DB;
        // Checks manageactivities in the module context and loads the current values as the edit form would.
        [$cm, , , $data] = get_moduleinfo_data($cm, $course);
        unset($data->gradepass); // A localised string here; apply_gradepass sets it.

        $changed = [];
        $current = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);
        if ($current->sha1hash !== $sha1) {
            $changed[] = 'package';
            $data->packagefile = $params['draftitemid'];
        }
        self::popup_options($data, (string) $current->options);
        foreach ($wanted as $field => $value) {
            if ($value !== null && (float) $data->$field != (float) $value) {
                $changed[] = $field;
                $data->$field = $value;
            }
        }
        $completionchanged = false;
        foreach (self::wanted_completion($params, $course) as $field => $value) {
            $now = $data->$field ?? null;
            if (($now === null) !== ($value === null) || (string) $now !== (string) $value) {
                $completionchanged = true;
                $data->$field = $value;
            }
        }
        if ($completionchanged) {
            // Lets update_moduleinfo write the completion rules; Moodle then recomputes learners' completion.
            $changed[] = 'completion';
            $data->completionunlocked = 1;
        }
        if ($data->name !== $name) {
            $changed[] = 'name';
            $data->name = $name;
        }
        if ($params['intro'] !== null && $data->intro !== $params['intro']) {
            $changed[] = 'intro';
            $data->introeditor['text'] = $params['intro'];
            $data->introeditor['format'] = FORMAT_HTML;
        }
        if ($params['visible'] !== null && (int) $data->visible !== (int) $params['visible']) {
            $changed[] = 'visible';
            $data->visible = (int) $params['visible'];
        }
        $gradepasschanged = self::gradepass_differs($course, $current, $params['passgrade']);
        $movesection = (int) $data->section !== (int) $params['sectionnum'];

        if (!$changed && !$gradepasschanged && !$movesection) {
            return ['unchanged', (int) $cm->id];
        }
        if ($changed) {
            $data->cmidnumber = $idnumber;
            update_moduleinfo($cm, $data, $course);
        }
        if ($movesection) {
            course_create_sections_if_missing($course, $params['sectionnum']);
            $section = $DB->get_record('course_sections', ['course' => $course->id, 'section' => $params['sectionnum']],
                '*', MUST_EXIST);
            moveto_module(get_coursemodule_from_id('scorm', $cm->id, $course->id, false, MUST_EXIST), $section);
        }
        return ['updated', (int) $cm->id];
    }

    /**
     * Sets the popup window option fields from scorm.options (as the edit form does) so that
     * scorm_option2text writes them back unchanged.
     *
     * @param stdClass $data
     * @param string $options
     */
    protected static function popup_options(stdClass $data, string $options): void {
        foreach (array_keys(scorm_get_popup_options_array()) as $option) {
            $data->$option = 0;
        }
        foreach (array_filter(explode(',', $options)) as $pair) {
            [$option, $value] = array_pad(explode('=', $pair, 2), 2, 0);
            $data->{trim($option)} = trim($value);
        }
    }

    /**
     * Returns the gradebook item of the activity.
     *
     * @param stdClass $course
     * @param stdClass $scorm
     * @return grade_item|false
     */
    protected static function grade_item(stdClass $course, stdClass $scorm) {
        return grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => 'scorm', 'iteminstance' => $scorm->id,
            'itemnumber' => 0, 'courseid' => $course->id]);
    }

    /**
     * Whether the grade to pass would change.
     *
     * @param stdClass $course
     * @param stdClass $scorm
     * @param float|null $percent
     * @return bool
     */
    protected static function gradepass_differs(stdClass $course, stdClass $scorm, ?float $percent): bool {
        $item = self::grade_item($course, $scorm);
        if ($percent === null || !$item) {
            return false;
        }
        return abs((float) $item->gradepass - round($item->grademax * $percent / 100, 5)) > 0.00001;
    }

    /**
     * Sets the grade to pass (percent of the item's maximum) on the activity's grade item.
     *
     * Done after add/update_moduleinfo because with "learning objects" grading the maximum is the
     * number of SCOs, known only once mod_scorm has parsed the manifest.
     *
     * @param stdClass $course
     * @param stdClass $scorm
     * @param float|null $percent null keeps the current grade to pass
     * @return float the grade to pass now
     */
    protected static function apply_gradepass(stdClass $course, stdClass $scorm, ?float $percent): float {
        $item = self::grade_item($course, $scorm);
        if (!$item) {
            return 0.0;
        }
        if ($percent !== null && self::gradepass_differs($course, $scorm, $percent)) {
            $item->gradepass = round($item->grademax * $percent / 100, 5);
            $item->update('local_rtcmlms');
        }
        return (float) $item->gradepass;
    }
}
