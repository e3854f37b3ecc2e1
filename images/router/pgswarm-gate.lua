-- pgswarm's role gate, loaded into HAProxy: every server of the `primary` and
-- `replicas` backends starts disabled and is admitted only right after its
-- member's agent answered 200 on the backend's path (/primary: it holds the
-- primary's lease; /replica: it streams from the primary within the lag limit).
-- When the agent answers anything else, the server goes to maintenance and its
-- sessions are closed at once. When the agent does not answer (a busy machine
-- delays it, or its node is gone), the server stays for a grace shorter than
-- any election can take (PGSWARM_GATE_GRACE_MS), then goes the same way: a
-- slow answer must not cut a healthy primary's sessions. The gate asks the very
-- address HAProxy routes the server's traffic to. One light task per server, no
-- process forked.
local interval = tonumber(os.getenv("PGSWARM_GATE_INTERVAL_MS") or "250")
-- Bounds one answer; the connect has the same bound (httpclient.timeout.connect, no retries).
local timeout = tonumber(os.getenv("PGSWARM_GATE_TIMEOUT_MS") or "500")
local grace = tonumber(os.getenv("PGSWARM_GATE_GRACE_MS") or "1500")
local port = os.getenv("PGSWARM_AGENT_PORT") or "8008"

local function now_ms()
  local now = core.now()
  return now.sec * 1000 + math.floor(now.usec / 1000)
end

local function stamp()
  local now = core.now()
  return os.date("!%Y-%m-%dT%H:%M:%S", now.sec) .. string.format(".%03dZ", math.floor(now.usec / 1000))
end

-- The agent answers JSON; HAProxy's httpclient makes up its own 503 or 504 (HTML) when it gets no answer.
local function from_agent(response)
  local values = response.headers and response.headers["content-type"]
  local value = type(values) == "table" and (values[0] or values[1]) or values
  return type(value) == "string" and string.find(value, "application/json", 1, true) ~= nil
end

-- has_role, answered (the agent itself replied), what to log
local function ask(address, path)
  local ok, response = pcall(function()
    return core.httpclient():get({ url = "http://" .. address .. ":" .. port .. path, timeout = timeout })
  end)
  if not ok or response == nil then return false, false, "no answer" end
  if not from_agent(response) then return false, false, "no answer (" .. tostring(response.status) .. ")" end
  return response.status == 200, true, tostring(response.status)
end

local function gate(backend, name, server, path)
  local admitted = false
  local last_heard = 0
  while true do
    -- "ip:port" once Docker's DNS resolved the member, nothing usable before.
    local address = string.match(server:get_addr() or "", "^(%d+%.%d+%.%d+%.%d+):")
    local has_role, answered, answer = false, false, "not resolved"
    if address then has_role, answered, answer = ask(address, path) end
    if has_role then last_heard = now_ms() end
    if has_role and not admitted then
      server:set_ready()
      admitted = true
      core.log(core.notice, string.format("%s pgswarm gate: %s/%s admitted (%s answered %s on %s)", stamp(), backend, name, address, answer, path))
    elseif admitted and not has_role and (answered or now_ms() - last_heard >= grace) then
      server:set_maint()
      server:shut_sess()
      admitted = false
      local silence = answered and "" or string.format(", unanswered for %d ms", now_ms() - last_heard)
      core.log(core.notice, string.format("%s pgswarm gate: %s/%s out (%s: %s%s)", stamp(), backend, name, address or "-", answer, silence))
    end
    core.msleep(interval)
  end
end

core.register_init(function()
  for _, backend in ipairs({ "primary", "replicas" }) do
    local proxy = core.backends[backend]
    local path = os.getenv("PGSWARM_PATH_" .. backend)
    if proxy and path then
      for name, server in pairs(proxy.servers) do
        core.register_task(gate, backend, name, server, path)
      end
    end
  end
end)
