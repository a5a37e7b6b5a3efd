-- wrk script: votes spread over many sessions; every request is a new voter in a session
-- picked at random from a file of session ids (one per line).
--
--   wrk -t1 -c50 -d10s --latency -s bench/wrk/spread.lua http://127.0.0.1:8000 -- <IDS_FILE>
--
-- Voter cookies are unique per run, thread and request, as in vote.lua, so every request
-- should be a fresh 201. done() prints the "BENCH_JSON " line of common.lua.

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "common.lua")

setup = common.setup
response = common.response

local paths = {}
local counter = 0
local body = '{"choiceIds":["1"]}'

function init(args)
   local file = args[1]
   if file == nil or file == "" then
      error("usage: wrk ... -s spread.lua URL -- <IDS_FILE>")
   end
   for line in io.lines(file) do
      if line ~= "" then table.insert(paths, "/api/vote/" .. line) end
   end
   if #paths == 0 then error("no session ids in " .. file) end
   -- a different random sequence per thread and per run
   local seed = 0
   for i = 1, 8 do seed = seed * 16 + tonumber(thread_prefix:sub(i, i), 16) end
   math.randomseed(seed + thread_id)
end

function request()
   counter = counter + 1
   sent = sent + 1
   return wrk.format("POST", paths[math.random(#paths)], {
      ["Content-Type"] = "application/json",
      ["Cookie"] = "tohyo_voter=" .. common.voter_token(counter),
   }, body)
end

function done(summary, latency, requests)
   common.report("spread", "votes", summary, latency)
end
