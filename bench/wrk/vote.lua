-- wrk script: every request is one new voter casting {"choiceIds":["1"]} in one session.
--
--   wrk -t1 -c50 -d10s --latency -s bench/wrk/vote.lua http://127.0.0.1:8000 -- <SESSION_ID> [RUN_PREFIX]
--
-- Each request carries its own voter cookie, `tohyo_voter=<prefix>t<thread>n<counter>`:
-- the prefix is random per wrk invocation (or given), the thread id and a per-thread
-- counter make it unique across threads, so every request should be a fresh 201.
-- done() prints a human summary and one machine-readable line starting with "BENCH_JSON ".

local threads = {}
local next_id = 1
local run_prefix = nil

local function random_prefix()
   local f = io.open("/dev/urandom", "rb")
   local raw = f:read(8)
   f:close()
   return (raw:gsub(".", function(c) return string.format("%02x", string.byte(c)) end))
end

-- setup() runs in the main Lua state, once per thread, before the threads start.
function setup(thread)
   run_prefix = run_prefix or random_prefix()
   thread:set("thread_id", next_id)
   thread:set("thread_prefix", run_prefix)
   table.insert(threads, thread)
   next_id = next_id + 1
end

-- Everything below runs in each thread's own Lua state (thread_id and thread_prefix are
-- the globals setup() gave it).
local path, prefix
local counter = 0
local body = '{"choiceIds":["1"]}'
sent = 0        -- requests written (globals, so done() can read them with thread:get)
ok = 0          -- 201 responses
non201 = 0      -- any other status
statuses = ""   -- "409=3,500=1": the non-201 statuses seen
local by_status = {}

function init(args)
   local session = args[1]
   if session == nil or session == "" then
      error("usage: wrk ... -s vote.lua URL -- <SESSION_ID> [RUN_PREFIX]")
   end
   path = "/api/vote/" .. session
   prefix = (args[2] or thread_prefix) .. "t" .. thread_id .. "n"
end

function request()
   counter = counter + 1
   sent = sent + 1
   -- 16 hex + "t" + id + "n" + 9 digits >= 28 characters of [A-Za-z0-9_-]
   local token = prefix .. string.format("%09d", counter)
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Cookie"] = "tohyo_voter=" .. token,
   }, body)
end

function response(status, headers, body)
   if status == 201 then
      ok = ok + 1
   else
      non201 = non201 + 1
      by_status[status] = (by_status[status] or 0) + 1
      local parts = {}
      for s, n in pairs(by_status) do table.insert(parts, s .. "=" .. n) end
      statuses = table.concat(parts, ",")
   end
end

function done(summary, latency, requests)
   local total_sent, total_ok, total_non201, counts, seen = 0, 0, 0, {}, {}
   for i, t in ipairs(threads) do
      total_sent = total_sent + t:get("sent")
      -- wrk calls request() once on the first thread to check the script
      -- (script_verify_request); that request is never sent.
      if i == 1 then total_sent = total_sent - 1 end
      total_ok = total_ok + t:get("ok")
      total_non201 = total_non201 + t:get("non201")
      for status, n in string.gmatch(t:get("statuses"), "(%d+)=(%d+)") do
         counts[status] = (counts[status] or 0) + tonumber(n)
      end
   end
   for status, n in pairs(counts) do table.insert(seen, status .. "=" .. n) end
   local e = summary.errors
   io.write(string.format("votes: %d sent, %d x 201, %d non-201 %s\n",
      total_sent, total_ok, total_non201, table.concat(seen, ",")))
   io.write(string.format(
      'BENCH_JSON {"kind":"vote","run_prefix":"%s","duration_us":%d,"requests":%d,'
      .. '"sent":%d,"ok":%d,"non_ok":%d,"statuses":"%s",'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      run_prefix or "", summary.duration, summary.requests,
      total_sent, total_ok, total_non201, table.concat(seen, ","),
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max))
end
