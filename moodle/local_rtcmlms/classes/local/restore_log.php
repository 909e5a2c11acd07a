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
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');

use backup;

/**
 * A backup logger that keeps the warnings and errors of one conversion and restore in memory.
 *
 * Added at the end of the restore controller's logger chain, it sees what the Common Cartridge
 * converter and the restore steps report, whatever the site's backup log levels are, so the web
 * service can hand those messages back to the caller instead of leaving them in a log file.
 *
 * @package    local_rtcmlms
 * @copyright  2025 rtcm-lms contributors
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class restore_log extends \base_logger {

    /** @var array[] the messages seen, each ['level' => int, 'message' => string] */
    protected $messages = [];

    /**
     * Keeps warnings and errors only.
     */
    public function __construct() {
        parent::__construct(backup::LOG_WARNING);
    }

    /**
     * Records one message (base_logger calls this only for levels up to LOG_WARNING).
     *
     * @param string $message
     * @param int $level
     * @param array|null $options
     * @return bool true, so that the rest of the chain still runs
     */
    protected function action($message, $level, $options = null) {
        $this->messages[] = ['level' => (int) $level, 'message' => trim((string) $message)];
        return true;
    }

    /**
     * The messages recorded so far.
     *
     * @return array[] each ['level' => backup::LOG_WARNING or LOG_ERROR, 'message' => string]
     */
    public function get_messages(): array {
        return $this->messages;
    }
}
