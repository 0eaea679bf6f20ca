#!/usr/bin/env bash
# End-to-end check of the product, using only what the README installs (Go) plus the
# browser tools this script installs itself (Debian's chromium, npm's playwright-core):
#
#   1. build the worker and the starter;
#   2. start the worker (embedded Temporal server on SQLite, Web UI, plugins) in a fresh
#      temporary data directory on free ports, and time its cold start;
#   3. run `starter demo` and check every step passed;
#   4. check the Web UI answers at / and that its HTTP API lists the demo session, by
#      workflow ID and by our MeerkatSessionId search attribute;
#   5. stream inputs into a session, kill the worker with SIGKILL in the middle of the
#      stream, restart it on the same data directory, and prove the session continues
#      with no accepted input lost or consumed twice;
#   6. load the demo session's page of the Web UI in Chromium and check the rendered
#      page shows the workflow ID, its status and our search attributes; save a
#      screenshot.
#
# It prints its timings (worker cold start, `starter demo`, resume after the SIGKILL
# restart) as figures, not assertions. Everything runs on 127.0.0.1; every process it
# starts is stopped on exit. Environment knobs:
#   E2E_INPUTS      inputs in the SIGKILL stream (default 30)
#   E2E_KILL_AFTER  accepted inputs before the SIGKILL (default 10)
#   E2E_SCREENSHOT  where the screenshot goes (default $TMPDIR/meerkat-ui.png)
#   E2E_KEEP=1      keep the work directory (data, logs) even on success
# shellcheck disable=SC2016 # the single-quoted arguments of jsonq are JavaScript
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

N_INPUTS=${E2E_INPUTS:-30}
KILL_AFTER=${E2E_KILL_AFTER:-10}
SCREENSHOT=${E2E_SCREENSHOT:-${TMPDIR:-/tmp}/meerkat-ui.png}
((KILL_AFTER >= 1 && KILL_AFTER < N_INPUTS)) || { echo "e2e: E2E_KILL_AFTER ($KILL_AFTER) must be at least 1 and below E2E_INPUTS ($N_INPUTS)" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/meerkat-e2e.XXXXXX")
BIN=$WORK/bin
DATA=$WORK/data
WORKER_PID=
SENDER_PID=
WORKER_RUN=0
PASSED=0
OK=0

now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
pass() { PASSED=$((PASSED + 1)); log "PASS: $*"; }
fail() {
  log "FAIL: $*" >&2
  exit 1
}
# jsonq EXPR: evaluates the JavaScript expression EXPR with d bound to the JSON document
# read from stdin; prints strings raw and anything else as JSON.
jsonq() {
  node -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const v = new Function("d", "return (" + process.argv[1] + ");")(d);
    process.stdout.write(typeof v === "string" ? v : JSON.stringify(v) ?? "undefined");
  ' "$1"
}
urlencode() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }

# alive PID: the process exists and is not a zombie.
alive() { [[ -e /proc/$1 ]] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

# our_processes: every process running our worker binary (the worker and the built-in
# plugins it re-executes), found by executable so nothing else is ever touched.
our_processes() {
  local p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    [[ $exe == "$BIN/worker" ]] && alive "${p#/proc/}" && echo "${p#/proc/}"
  done
  return 0
}

# print_figures: the timings measured so far (figures, not assertions).
print_figures() {
  local line name var
  echo
  echo "e2e timings (figures, not assertions):"
  for line in "build worker + starter:BUILD_MS" "worker cold start to ready (fresh data dir):COLD_MS" \
    "starter demo, end to end:DEMO_MS" "worker restart to ready after SIGKILL:RESTART_READY_MS" \
    "resume: restart to first accepted input:RESUME_MS"; do
    name=${line%:*} var=${line##*:}
    [[ -n ${!var:-} ]] && printf '  %-44s %s\n' "$name" "$(secs "${!var}")"
  done
  return 0
}

cleanup() {
  local rc=$?
  set +e
  if [[ -n $SENDER_PID ]] && alive "$SENDER_PID"; then
    kill -KILL -- "-$SENDER_PID" 2>/dev/null
  fi
  if [[ -n $WORKER_PID ]] && alive "$WORKER_PID"; then
    kill -TERM "$WORKER_PID" 2>/dev/null
    for _ in $(seq 100); do alive "$WORKER_PID" || break; sleep 0.1; done
  fi
  local pids
  mapfile -t pids < <(our_processes)
  ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null
  if [[ $OK != 1 ]]; then
    print_figures
    for f in "$WORK"/worker-*.out "$WORK"/worker-*.err "$WORK"/stream.log; do
      [[ -f $f ]] || continue
      echo "----- tail of $f"
      tail -n 25 "$f"
    done
    echo "e2e: $PASSED passed, 1 failed (work directory kept: $WORK)"
  elif [[ ${E2E_KEEP:-} == 1 ]]; then
    log "work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- prerequisites
install_tools() {
  local pkgs=()
  [[ -x /usr/bin/chromium ]] || pkgs+=(chromium)
  command -v curl >/dev/null || pkgs+=(curl)
  { command -v node >/dev/null && command -v npm >/dev/null; } || pkgs+=(nodejs npm)
  if ((${#pkgs[@]})); then
    log "installing ${pkgs[*]} with apt-get"
    local sudo=
    [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
  (cd .ci && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  log "tools: $(go version | cut -d' ' -f3), node $(node --version), $(/usr/bin/chromium --version 2>/dev/null | head -1), playwright-core $(node -p 'require("./.ci/node_modules/playwright-core/package.json").version')"
}

# ---------------------------------------------------------------- ports and worker
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_ports() {
  # Below the kernel's ephemeral range, so the ports the embedded server picks for its
  # internal services (port 0) never land on ours.
  local low
  low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  local span=$((low - 10000 - 20))
  ((span > 1000)) || span=1000
  for _ in $(seq 50); do
    FRONTEND_PORT=$((10000 + (RANDOM * 32768 + RANDOM) % span))
    UI_PORT=$((FRONTEND_PORT + 1))
    if port_free "$FRONTEND_PORT" && port_free "$UI_PORT" && port_free $((FRONTEND_PORT + 10)); then
      ADDRESS=127.0.0.1:$FRONTEND_PORT
      UI=http://127.0.0.1:$UI_PORT
      return 0
    fi
  done
  fail "found no free ports"
}

# start_worker: starts the worker in the background on $DATA and the chosen ports and
# waits for its ready line; sets WORKER_PID and READY_MS (launch to ready).
start_worker() {
  WORKER_RUN=$((WORKER_RUN + 1))
  local out=$WORK/worker-$WORKER_RUN.out err=$WORK/worker-$WORKER_RUN.err
  local t0
  t0=$(now_ms)
  "$BIN/worker" -data-dir "$DATA" -frontend-port "$FRONTEND_PORT" -ui-port "$UI_PORT" -log-level warn </dev/null >"$out" 2>"$err" &
  WORKER_PID=$!
  until grep -q '^Worker ready' "$out" 2>/dev/null; do
    alive "$WORKER_PID" || fail "worker run $WORKER_RUN exited before it was ready (see $err)"
    (($(now_ms) - t0 < 240000)) || fail "worker run $WORKER_RUN not ready after 240 s"
    sleep 0.05
  done
  READY_MS=$(($(now_ms) - t0))
  grep -q "^Temporal frontend: $ADDRESS\$" "$out" || fail "worker did not print 'Temporal frontend: $ADDRESS': $(cat "$out")"
  grep -q "^Web UI: *$UI/namespaces/default/workflows\$" "$out" || fail "worker did not print its Web UI URL: $(cat "$out")"
  grep -q "^Data directory: *$DATA\$" "$out" || fail "worker did not print its data directory: $(cat "$out")"
}

# starter ARGS...: the starter with our address, UI and --json; bounded in time.
starter() {
  timeout -k 5 "${STARTER_TIMEOUT:-150}" "$BIN/starter" --address "$ADDRESS" --namespace default --ui-url "$UI" --json "$@"
}

# ---------------------------------------------------------------- UI API
# ui_list QUERY: the UI server's list of workflows matching a visibility query.
ui_list() { curl -fsS --max-time 10 "$UI/api/v1/namespaces/default/workflows?query=$(urlencode "$1")"; }

# wait_listed QUERY WORKFLOW_ID: polls the UI API (visibility is eventually consistent)
# until the workflow is listed; prints the listing.
wait_listed() {
  local doc deadline=$((SECONDS + 30))
  while :; do
    doc=$(ui_list "$1" || true)
    if [[ -n $doc ]] && [[ $(WF=$2 jsonq '(d.executions || []).some((e) => e.execution.workflowId === process.env.WF)' <<<"$doc") == true ]]; then
      printf '%s' "$doc"
      return 0
    fi
    ((SECONDS < deadline)) || fail "the UI API never listed $2 for query $1 (last answer: ${doc:-none})"
    sleep 0.5
  done
}

# ================================================================== 0. tools
log "work directory $WORK"
install_tools

# ================================================================== 1. build
[[ -d cmd/starter ]] || fail "cmd/starter is not in this tree: the end-to-end check drives the product through the starter CLI"
mkdir -p "$BIN"
t0=$(now_ms)
go build -o "$BIN/worker" ./cmd/worker
go build -o "$BIN/starter" ./cmd/starter
BUILD_MS=$(($(now_ms) - t0))
pass "built cmd/worker and cmd/starter in $(secs "$BUILD_MS")"

# ================================================================== 2. worker cold start
pick_ports
start_worker
COLD_MS=$READY_MS
pass "worker ready on $ADDRESS, Web UI $UI, data $DATA (cold start $(secs "$COLD_MS"))"

# ================================================================== 3. starter demo
DEMO_SESSION=e2e-demo
t0=$(now_ms)
demo=$(STARTER_TIMEOUT=600 starter demo --session "$DEMO_SESSION") && rc=0 || rc=$?
DEMO_MS=$(($(now_ms) - t0))
printf '%s\n' "$demo" >"$WORK/demo.json"
jsonq 'd.steps.map(s => (s.ok ? "  ok   " : "  FAIL ") + s.name + (s.detail ? ": " + s.detail : "")).join("\n")' <<<"$demo" || true
echo
[[ $rc == 0 ]] || fail "starter demo exited $rc: $demo"
[[ $(jsonq 'Array.isArray(d.steps) && d.steps.length > 0 && d.steps.every(s => s.ok === true)' <<<"$demo") == true ]] ||
  fail "starter demo exited 0 but not every step passed: $demo"
[[ $(jsonq 'd.session' <<<"$demo") == "$DEMO_SESSION" ]] || fail "starter demo ran session $(jsonq 'd.session' <<<"$demo"), want $DEMO_SESSION"
DEMO_WF=$(jsonq 'd.workflow_id' <<<"$demo")
[[ $DEMO_WF == "meerkat-session/$DEMO_SESSION" ]] || fail "starter demo reported workflow $DEMO_WF, want meerkat-session/$DEMO_SESSION"
DEMO_UI_URL=$(jsonq 'd.ui_url' <<<"$demo")
[[ $DEMO_UI_URL == "$UI/"* ]] || fail "starter demo's ui_url $DEMO_UI_URL is not on $UI"
pass "starter demo: $(jsonq 'd.steps.length' <<<"$demo") steps passed in $(secs "$DEMO_MS")"

# ================================================================== 4. Web UI and its API
index=$(curl -fsS --max-time 10 "$UI/") || fail "the Web UI did not answer at $UI/"
grep -qi '<html' <<<"$index" || fail "the Web UI at $UI/ did not answer an HTML page"
[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$DEMO_UI_URL") == 200 ]] || fail "the demo's ui_url $DEMO_UI_URL does not answer 200"
wait_listed "WorkflowId=\"$DEMO_WF\"" "$DEMO_WF" >/dev/null
listing=$(wait_listed "MeerkatSessionId=\"$DEMO_SESSION\"" "$DEMO_WF")
printf '%s\n' "$listing" >"$WORK/demo-listing.json"
pass "the Web UI answers at $UI/ and its API lists $DEMO_WF (by workflow ID and by MeerkatSessionId)"

# ================================================================== 5. SIGKILL in a stream of inputs
STREAM=e2e-stream
out=$(starter start "$STREAM") || fail "starter start $STREAM: $out"
log "streaming $N_INPUTS inputs into $STREAM; SIGKILL after $KILL_AFTER accepted"
: >"$WORK/stream.log"
# send_stream: sends every input, retrying each with the same id and key until the
# session answers accepted or deduplicated; logs "i outcome attempts ms" per input.
send_stream() {
  local i doc rc outcome attempts
  for i in $(seq "$N_INPUTS"); do
    attempts=0
    while :; do
      attempts=$((attempts + 1))
      doc=$(STARTER_TIMEOUT=20 starter send "$STREAM" "stream-$i-of-$N_INPUTS" --id "stream-$i" --key "stream-$i" 2>>"$WORK/stream.err") && rc=0 || rc=$?
      if [[ $rc == 0 ]]; then
        outcome=$(jsonq 'd.outcome' <<<"$doc" 2>/dev/null || echo unparsable)
        case $outcome in
          accepted | deduplicated)
            echo "$i $outcome $attempts $(now_ms)" >>"$WORK/stream.log"
            break
            ;;
        esac
        echo "$i unexpected $attempts $(now_ms) $doc" >>"$WORK/stream.log"
        return 1
      elif [[ $rc == 3 ]]; then
        echo "$i rejected $attempts $(now_ms) $doc" >>"$WORK/stream.log"
        return 1
      fi
      [[ -e /proc/$$ ]] || return 1 # the script is gone
      ((attempts < 300)) || { echo "$i gave-up $attempts $(now_ms)" >>"$WORK/stream.log"; return 1; }
      sleep 0.2
    done
  done
}
set -m # the stream runs in its own process group, so cleanup can stop it whole
send_stream </dev/null &
SENDER_PID=$!
set +m
deadline=$((SECONDS + 120))
until (($(grep -c ' accepted ' "$WORK/stream.log") >= KILL_AFTER)); do
  alive "$SENDER_PID" || fail "the stream ended before $KILL_AFTER inputs were accepted; its last line: $(tail -n 1 "$WORK/stream.log")"
  ((SECONDS < deadline)) || fail "fewer than $KILL_AFTER inputs accepted in 120 s"
  sleep 0.02
done
kill -KILL "$WORKER_PID"
wait "$WORKER_PID" 2>/dev/null || true
sleep 0.3
left=$(our_processes)
[[ -z $left ]] || fail "processes of the killed worker still run (plugins not reaped): $left"
log "SIGKILLed the worker after $(wc -l <"$WORK/stream.log") inputs answered; no plugin process left"
sleep 1 # the stream keeps failing against the dead server for a moment
RESTART_MS=$(now_ms)
start_worker
RESTART_READY_MS=$READY_MS
log "worker restarted on the same data directory, ready in $(secs "$RESTART_READY_MS")"
wait "$SENDER_PID" || fail "the input stream failed: $(tail -3 "$WORK/stream.log")"
FIRST_OK_MS=$(awk -v t="$RESTART_MS" '$4 >= t { print $4; exit }' "$WORK/stream.log")
[[ -n $FIRST_OK_MS ]] || fail "no input was answered after the restart"
RESUME_MS=$((FIRST_OK_MS - RESTART_MS))
retried=$(awk '$3 > 1' "$WORK/stream.log" | wc -l)
dedup=$(grep -c ' deduplicated ' "$WORK/stream.log" || true)
[[ $(wc -l <"$WORK/stream.log") == "$N_INPUTS" ]] || fail "the stream log has $(wc -l <"$WORK/stream.log") lines, want $N_INPUTS"
log "stream: $N_INPUTS inputs answered ($dedup deduplicated on retry, $retried needed retries); first answer $(secs "$RESUME_MS") after the restart"

# Every input: terminal, completed by a run (consumed), exactly once.
for i in $(seq "$N_INPUTS"); do
  doc=$(STARTER_TIMEOUT=120 starter wait "$STREAM" "stream-$i") || fail "starter wait $STREAM stream-$i: $doc"
  # The completion, flat or under "completion"; run and answer flat or under "result".
  verdict=$(TEXT="stream-$i-of-$N_INPUTS" jsonq '(() => {
    const c = d.completion || d, r = c.result || c;
    const ok = c.known === true && c.done === true && c.outcome === "Completed" && !!r.run_id &&
      (r.answer === undefined || r.answer.includes(process.env.TEXT));
    return ok ? "ok" : JSON.stringify(d);
  })()' <<<"$doc")
  [[ $verdict == ok ]] || fail "input stream-$i did not complete: $verdict"
done
# A resend of an input sent before the kill, and of the last one, joins the first.
for i in 1 "$N_INPUTS"; do
  doc=$(starter send "$STREAM" "stream-$i-of-$N_INPUTS" --id "stream-$i" --key "stream-$i") || fail "resending stream-$i: $doc"
  [[ $(jsonq 'd.outcome' <<<"$doc") == deduplicated ]] || fail "resending the consumed input stream-$i was not deduplicated: $doc"
done
state=$(starter state "$STREAM" --machine) || fail "starter state $STREAM --machine: $state"
printf '%s\n' "$state" >"$WORK/stream-state.json"
conv=$(starter conversation "$STREAM") || fail "starter conversation $STREAM: $conv"
printf '%s\n' "$conv" >"$WORK/stream-conversation.json"
verdict=$(N="$N_INPUTS" CONV="$WORK/stream-conversation.json" jsonq '(() => {
  const n = Number(process.env.N), problems = [];
  const m = d.machine_state || d.state || d;
  const states = m.input_states || {}, keys = m.admission_idempotency_inputs || {};
  const streamed = Object.keys(states).filter((id) => id.startsWith("stream-"));
  if (streamed.length !== n) problems.push(`${streamed.length} stream inputs tracked, want ${n}`);
  const conv = JSON.parse(require("fs").readFileSync(process.env.CONV, "utf8"));
  if (conv.dropped) problems.push(`the conversation dropped ${conv.dropped} old messages, so it cannot prove each input reached the model once: lower E2E_INPUTS`);
  const userTexts = (conv.messages || []).filter((msg) => msg.role === "user")
    .flatMap((msg) => (msg.content || []).map((c) => c.text || ""));
  for (let i = 1; i <= n; i++) {
    const id = `stream-${i}`, text = `stream-${i}-of-${n}`, s = states[id];
    if (!s) { problems.push(`${id} not tracked`); continue; }
    if (s.phase !== "Consumed" || s.terminal_kind !== "Consumed") problems.push(`${id} is ${s.phase}/${s.terminal_kind}`);
    if (keys[id] !== id) problems.push(`key ${id} admitted ${keys[id]}`);
    const seen = userTexts.filter((t) => t.split(/\s+/).includes(text)).length;
    if (seen !== 1) problems.push(`${text} reached the model ${seen} times`);
  }
  return problems.length ? problems.join("; ") : "ok";
})()' <"$WORK/stream-state.json")
[[ $verdict == ok ]] || fail "after the SIGKILL restart: $verdict"
pass "SIGKILL mid-stream: all $N_INPUTS inputs accepted once, consumed once, none lost, resends deduplicated (resume $(secs "$RESUME_MS"))"

# ================================================================== 6. the session's page in a browser
# Opens the page the demo printed (the UI redirects it to the latest run), waits for the
# workflow ID, the run the API lists and its status, then opens the Search Attributes tab
# and waits for each of our attributes with the value the API lists.
listing=$(wait_listed "WorkflowId=\"$DEMO_WF\"" "$DEMO_WF")
expected=$(WF=$DEMO_WF jsonq '(() => {
  const e = d.executions.find((x) => x.execution.workflowId === process.env.WF);
  const status = e.status.replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase()
    .replace("continued_as_new", "continued as new").replace("timed_out", "timed out");
  const steps = ["exact:" + process.env.WF, "exact:" + e.execution.runId, "exact:" + status, "click:Search Attributes"];
  const fields = (e.searchAttributes && e.searchAttributes.indexedFields) || {};
  const ours = Object.keys(fields).filter((k) => k.startsWith("Meerkat")).sort();
  for (const k of ["MeerkatSessionId", "MeerkatRuntimeState", "MeerkatTopologyPhase"]) {
    if (!ours.includes(k)) throw new Error(`the listing has no ${k}: ${JSON.stringify(fields)}`);
  }
  for (const k of ours) {
    const v = JSON.parse(Buffer.from(fields[k].data, "base64").toString());
    steps.push(`"${k}": ${JSON.stringify(v)}`);
  }
  return steps.join("\n");
})()' <<<"$listing") || fail "the UI API's listing of $DEMO_WF lacks what the page must show: $listing"
mapfile -t steps <<<"$expected"
log "loading $DEMO_UI_URL in Chromium"
node .ci/check-ui.mjs "$DEMO_UI_URL" "$SCREENSHOT" "${steps[@]}" || fail "the session's page did not show what the UI API lists"
pass "the Web UI page of $DEMO_WF shows its ID, run, status and $(grep -c '^"Meerkat' <<<"$expected") search attributes; screenshot: $SCREENSHOT"

# ================================================================== figures
OK=1
print_figures
echo "screenshot: $SCREENSHOT"
echo "e2e: $PASSED passed, 0 failed"
