-- Each thread reads the scenario's request list and walks it from its own offset.
-- LINES_FILE has one request per line: "METHOD PATH [TOKEN]".
local lines = {}
local counter = 0
local thread_index = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_index)
  thread_index = thread_index + 1
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("LINES_FILE")) do
    table.insert(lines, line)
  end
  local share = math.floor(#lines / tonumber(os.getenv("THREADS") or "1"))
  counter = (id or 0) * share
end

function request()
  counter = counter + 1
  local line = lines[(counter % #lines) + 1]
  local method, path, token = line:match("^(%S+) (%S+) ?(%S*)$")
  local headers = {["Accept"] = "application/json"}
  if token ~= "" then headers["Authorization"] = "Token " .. token end
  if method == "POST" then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, method == "POST" and "{}" or nil)
end
