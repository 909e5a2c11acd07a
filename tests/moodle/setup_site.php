<?php
// Configures the throw-away test Moodle for rtcm-lms; safe to run any number of times.
//
// Usage: php setup_site.php MOODLE_DIR TOKEN_FILE
// Writes the admin's permanent token for the rtcm_lms service to TOKEN_FILE (mode 0600),
// so the token never reaches the console or a CI log.

define('CLI_SCRIPT', true);

if ($argc !== 3) {
    fwrite(STDERR, "usage: php setup_site.php MOODLE_DIR TOKEN_FILE\n");
    exit(2);
}
[, $moodledir, $tokenfile] = $argv;

require($moodledir . '/config.php');
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->libdir . '/filterlib.php');
require_once($CFG->dirroot . '/webservice/lib.php');

const SERVICE_SHORTNAME = 'rtcm_lms';

// Core functions the rtcm-lms client and deployer call; missing ones are reported, not fatal,
// so a newer or older Moodle still gets a usable service.
const CORE_FUNCTIONS = [
    'core_webservice_get_site_info',
    'core_course_get_categories',
    'core_course_create_categories',
    'core_course_update_categories',
    'core_course_delete_categories',
    'core_course_get_courses',
    'core_course_get_courses_by_field',
    'core_course_create_courses',
    'core_course_update_courses',
    'core_course_delete_courses',
    'core_course_get_contents',
    'core_course_edit_section',
    'core_course_delete_modules',
    'core_course_get_course_module',
    'core_course_get_course_module_by_instance',
    'core_user_create_users',
    'core_user_get_users_by_field',
    'core_user_delete_users',
    'enrol_manual_enrol_users',
    'core_enrol_get_enrolled_users',
    'core_enrol_get_users_courses',
    'mod_scorm_get_scorms_by_courses',
    'mod_scorm_get_scorm_attempt_count',
    'mod_scorm_get_scorm_sco_tracks',
    'mod_scorm_get_scorm_scoes',
    'mod_scorm_get_scorm_user_data',
    'mod_scorm_insert_scorm_tracks',
    'mod_scorm_launch_sco',
    'gradereport_user_get_grade_items',
    'core_completion_get_activities_completion_status',
    'core_completion_get_course_completion_status',
    'core_files_upload',
    'core_files_get_files',
    'core_files_delete_draft_files',
    'core_backup_get_async_backup_progress',
    'core_update_inplace_editable',
];

/** Site settings that keep the test site fast, quiet and offline. */
function configure_site(): void {
    $settings = [
        'enablewebservices' => 1,
        'webserviceprotocols' => 'rest',
        'enablecompletion' => 1,
        'forcelogin' => 0,
        'noemailever' => 1,
        'updateautocheck' => 0,
        'registrationpending' => 0,
        'enableanalytics' => 0,
        // Log everything, display nothing: PHP notices must not corrupt JSON responses, but
        // DEVELOPER level makes Moodle put 'debuginfo' into web-service errors.
        'debug' => DEBUG_DEVELOPER,
        'debugdisplay' => 0,
        // The built-in server has no cron; nothing the tests rely on needs it.
        'cronclionly' => 1,
    ];
    foreach ($settings as $name => $value) {
        if ((string) get_config('core', $name) !== (string) $value) {
            set_config($name, $value);
        }
    }
    // mathjaxloader would make every page fetch MathJax from a CDN.
    filter_set_global_state('mathjaxloader', TEXTFILTER_DISABLED);
}

/** Returns the rtcm_lms service record, creating or re-enabling it. */
function ensure_service(webservice $ws): stdClass {
    $wanted = ['enabled' => 1, 'restrictedusers' => 0, 'uploadfiles' => 1, 'downloadfiles' => 1];
    $service = $ws->get_external_service_by_shortname(SERVICE_SHORTNAME);
    if (!$service) {
        $service = (object) ($wanted + ['name' => 'rtcm-lms', 'shortname' => SERVICE_SHORTNAME,
            'requiredcapability' => '', 'component' => null]);
        $service->id = $ws->add_external_service($service);
        cli_writeln("created service " . SERVICE_SHORTNAME);
        return $service;
    }
    $changed = false;
    foreach ($wanted as $field => $value) {
        if ((int) $service->$field !== $value) {
            $service->$field = $value;
            $changed = true;
        }
    }
    if ($changed) {
        $ws->update_external_service($service);
    }
    return $service;
}

/** Adds the core functions and every local_rtcmlms function that Moodle knows. */
function ensure_functions(webservice $ws, stdClass $service): void {
    global $DB;
    $plugin = $DB->get_fieldset_select('external_functions', 'name', 'component = ?', ['local_rtcmlms']);
    $added = [];
    foreach (array_merge(CORE_FUNCTIONS, $plugin) as $name) {
        if (!$DB->record_exists('external_functions', ['name' => $name])) {
            cli_writeln("skipped $name: this Moodle does not declare it");
            continue;
        }
        if (!$ws->service_function_exists($name, $service->id)) {
            $ws->add_external_function_to_service($name, $service->id);
            $added[] = $name;
        }
    }
    $total = $DB->count_records('external_services_functions', ['externalserviceid' => $service->id]);
    cli_writeln(sprintf('service %s: %d functions (%d added, %d from local_rtcmlms)',
        SERVICE_SHORTNAME, $total, count($added), count($plugin)));
}

/** Returns the admin's permanent token for the service, issuing one the first time. */
function ensure_token(stdClass $service): string {
    global $DB;
    $admin = get_admin();
    $tokens = $DB->get_records('external_tokens', [
        'userid' => $admin->id,
        'externalserviceid' => $service->id,
        'tokentype' => EXTERNAL_TOKEN_PERMANENT,
        'validuntil' => 0,
    ], 'id ASC', 'token', 0, 1);
    if ($tokens) {
        return reset($tokens)->token;
    }
    // generate_token() records the creator from $USER.
    \core\session\manager::set_user($admin);
    cli_writeln('issued a permanent token for ' . $admin->username);
    return \core_external\util::generate_token(
        EXTERNAL_TOKEN_PERMANENT, $service, $admin->id, context_system::instance(), 0, '', 'rtcm-lms tests');
}

configure_site();
$ws = new webservice();
$service = ensure_service($ws);
ensure_functions($ws, $service);
$token = ensure_token($service);

$old = umask(0077);
file_put_contents($tokenfile, $token . "\n");
umask($old);
chmod($tokenfile, 0600);
