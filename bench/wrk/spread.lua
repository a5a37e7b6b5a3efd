-- wrk script: votes spread over many sessions; every request is a new voter in a session
-- picked at random from a file of session ids (one per line).
--
--   wrk -t1 -c50 -d10s --latency -s bench/wrk/spread.lua http://127.0.0.1:8000 -- <IDS_FILE>
--
-- Voter cookies are `tohyo_voter=<random run prefix>t<thread>n<counter>` as in vote.lua, so
-- every request should be a fresh 201. done() prints vote.lua's "BENCH_JSON " line.

local threads = {}
local next_id = 1
local run_prefix = nil

local function random_prefix()
   local f = io.open("/dev/urandom", "rb")
   local raw = f:read(8)
   f:close()
   return (raw:gsub(".", function(c) return string.format("%02x", string.byte(c)) end))
end

function setup(thread)
   run_prefix = run_prefix or random_prefix()
   thread:set("thread_id", next_id)
   thread:set("thread_prefix", run_prefix)
   table.insert(threads, thread)
   next_id = next_id + 1
end

local paths = {}
local prefix
local counter = 0
local body = '{"choiceIds":["1"]}'
sent = 0
ok = 0
non201 = 0
statuses = ""
local by_status = {}

function init(args)
   local file = args[1]
   if file == nil or file == "" then
      error("usage: wrk ... -s spread.lua URL -- <IDS_FILE>")
   end
   for line in io.lines(file) do
      if line ~= "" then table.insert(paths, "/api/vote/" .. line) end
   end
   if #paths == 0 then error("no session ids in " .. file) end
   prefix = thread_prefix .. "t" .. thread_id .. "n"
   -- a different random sequence per thread and per run
   local seed = 0
   for i = 1, 8 do seed = seed * 16 + tonumber(thread_prefix:sub(i, i), 16) end
   math.randomseed(seed + thread_id)
end

function request()
   counter = counter + 1
   sent = sent + 1
   local token = prefix .. string.format("%09d", counter)
   return wrk.format("POST", paths[math.random(#paths)], {
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
      -- wrk calls request() once on the first thread to check the script; never sent.
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
      'BENCH_JSON {"kind":"spread","run_prefix":"%s","duration_us":%d,"requests":%d,'
      .. '"sent":%d,"ok":%d,"non_ok":%d,"statuses":"%s",'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      run_prefix or "", summary.duration, summary.requests,
      total_sent, total_ok, total_non201, table.concat(seen, ","),
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max))
end
