-- wrk script: every request is one new voter casting {"choiceIds":["1"]} in one session.
--
--   wrk -t1 -c50 -d10s --latency -s bench/wrk/vote.lua http://127.0.0.1:8000 -- <SESSION_ID> [RUN_PREFIX]
--
-- Each request carries its own voter cookie, `tohyo_voter=<prefix>t<thread>n<counter>`:
-- the prefix is random per wrk invocation (or given), the thread id and a per-thread
-- counter make it unique across threads, so every request should be a fresh 201.
-- done() prints a human summary and one machine-readable line starting with "BENCH_JSON ".

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "common.lua")

setup = common.setup
response = common.response

local path, run_prefix
local counter = 0
local body = '{"choiceIds":["1"]}'

function init(args)
   local session = args[1]
   if session == nil or session == "" then
      error("usage: wrk ... -s vote.lua URL -- <SESSION_ID> [RUN_PREFIX]")
   end
   path = "/api/vote/" .. session
   run_prefix = args[2]
end

function request()
   counter = counter + 1
   sent = sent + 1
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Cookie"] = "tohyo_voter=" .. common.voter_token(counter, run_prefix),
   }, body)
end

function done(summary, latency, requests)
   common.report("vote", "votes", summary, latency)
end
