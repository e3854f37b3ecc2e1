-- pgswarm's role gate, loaded into HAProxy: every server of the `primary` and
-- `replicas` backends starts disabled and is admitted only right after its
-- member's agent answered 200 on the backend's path (/primary: it holds the
-- primary's lease; /replica: it streams from the primary within the lag limit).
-- When the answer turns, the server goes to maintenance and its sessions are
-- closed at once. The gate asks the very address HAProxy routes the server's
-- traffic to. One light task per server, no process forked.
local interval = tonumber(os.getenv("PGSWARM_GATE_INTERVAL_MS") or "250")
-- Bounds one answer; the connect has the same bound (httpclient.timeout.connect, no retries).
local timeout = tonumber(os.getenv("PGSWARM_GATE_TIMEOUT_MS") or "500")
local port = os.getenv("PGSWARM_AGENT_PORT") or "8008"

local function stamp()
  local now = core.now()
  return os.date("!%Y-%m-%dT%H:%M:%S", now.sec) .. string.format(".%03dZ", math.floor(now.usec / 1000))
end

local function ask(address, path)
  local ok, response = pcall(function()
    return core.httpclient():get({ url = "http://" .. address .. ":" .. port .. path, timeout = timeout })
  end)
  if not ok or response == nil then return false, "no answer" end
  return response.status == 200, tostring(response.status)
end

local function gate(backend, name, server, path)
  local admitted = false
  while true do
    -- "ip:port" once Docker's DNS resolved the member, nothing usable before.
    local address = string.match(server:get_addr() or "", "^(%d+%.%d+%.%d+%.%d+):")
    local has_role, answer = false, "not resolved"
    if address then has_role, answer = ask(address, path) end
    if has_role and not admitted then
      server:set_ready()
      admitted = true
      core.Info(string.format("%s pgswarm gate: %s/%s admitted (%s answered %s on %s)", stamp(), backend, name, address, answer, path))
    elseif not has_role and admitted then
      server:set_maint()
      server:shut_sess()
      admitted = false
      core.Info(string.format("%s pgswarm gate: %s/%s out (%s: %s)", stamp(), backend, name, address or "-", answer))
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
