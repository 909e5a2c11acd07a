#!/usr/bin/env bash
# Stops the Moodle server that install.sh started (by its recorded PID); the site stays installed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"
if [[ -f $REPO/.moodle/server.pid ]]; then
  stop_recorded_server "$REPO/.moodle/server.pid"
else
  echo "no recorded Moodle server in $REPO/.moodle"
fi
