#!/usr/bin/env bash
# Lighthouse (mobile) on home, the quick log and the insights of a demo diary, served by gunicorn
# with the production settings on a throwaway database. Prints each page's scores.
#
#   LIGHTHOUSE=/path/to/node_modules/.bin/lighthouse bash tools/lighthouse.sh
#
# Lighthouse comes from the npm registry (`npm install lighthouse` in a folder of your own; it is
# not one of the project's packages) and drives the system Chromium (CHROME_PATH). Nothing leaves
# 127.0.0.1. Not part of `make test`: a score on a busy machine says little about a change.
set -euo pipefail
cd "$(dirname "$0")/.."

LIGHTHOUSE=${LIGHTHOUSE:-npx --yes lighthouse}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
PORT=${PORT:-8077}
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

export DATA_DIR=$WORK SECRET_KEY=lighthouse-only-$RANDOM$RANDOM DEBUG=0
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
PYTHON=.venv/bin/python

$PYTHON manage.py migrate --noinput -v 0
$PYTHON manage.py collectstatic --noinput -v 0
$PYTHON manage.py seed_demo --days 365 >/dev/null
SESSION=$($PYTHON manage.py shell -c '
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username="demo"))
print(client.cookies["sessionid"].value)' | tail -n 1)

.venv/bin/gunicorn spasmlog.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
SERVER=$!
for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
    sleep 0.1
done

for path in / /episodes/quick/ /insights/; do
    $LIGHTHOUSE "http://127.0.0.1:$PORT$path" --quiet --output=json --output-path="$WORK/report.json" \
        --only-categories=performance,accessibility,best-practices \
        --extra-headers="{\"Cookie\": \"sessionid=$SESSION\"}" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
    $PYTHON tools/lighthouse_scores.py "$WORK/report.json" "$path"
done
