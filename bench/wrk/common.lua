-- What the wrk scripts share, loaded by each with dofile from this folder: voter tokens
-- unique per run and thread, counting the answers, and the report (a human line and one
-- machine-readable "BENCH_JSON " line, which bench/loadlib.py reads).
--
-- wrk runs a script in several Lua states: the main one (setup, done) and one per thread
-- (init, request, response). Each loads this file, so module-level tables are per state;
-- the counters are globals so that done() can read each thread's with thread:get.

local common = {}
local threads = {}
local next_id = 1

local function random_prefix()
   local f = io.open("/dev/urandom", "rb")
   local raw = f:read(8)
   f:close()
   return (raw:gsub(".", function(c) return string.format("%02x", string.byte(c)) end))
end

-- setup(): in the main state, once per thread before the threads start.
function common.setup(thread)
   common.run_prefix = common.run_prefix or random_prefix()
   thread:set("thread_id", next_id)
   thread:set("thread_prefix", common.run_prefix)
   table.insert(threads, thread)
   next_id = next_id + 1
end

-- In each thread's state: thread_prefix and thread_id are the globals setup() gave it.
-- A voter token: 16 hex + "t" + id + "n" + 9 digits >= 28 characters of [A-Za-z0-9_-].
function common.voter_token(counter, prefix)
   return (prefix or thread_prefix) .. "t" .. thread_id .. "n" .. string.format("%09d", counter)
end

sent = 0        -- requests written
ok = 0          -- 201 responses
non201 = 0      -- any other status
statuses = ""   -- "409=3,500=1": the non-201 statuses seen
local by_status = {}

function common.response(status, headers, body)
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

-- done(): in the main state, after the run; `kind` names the script, `noun` its requests.
function common.report(kind, noun, summary, latency)
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
   io.write(string.format("%s: %d sent, %d x 201, %d non-201 %s\n",
      noun, total_sent, total_ok, total_non201, table.concat(seen, ",")))
   io.write(string.format(
      'BENCH_JSON {"kind":"%s","run_prefix":"%s","duration_us":%d,"requests":%d,'
      .. '"sent":%d,"ok":%d,"non_ok":%d,"statuses":"%s",'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      kind, common.run_prefix or "", summary.duration, summary.requests,
      total_sent, total_ok, total_non201, table.concat(seen, ","),
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max))
end

return common
