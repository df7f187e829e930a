-- wrk script for bench/tickets_intake.py: POST /api/v1/tickets/ as one of several customers
-- (tokens in the TOKENS environment variable, comma-separated), rotating through five texts in
-- four languages; or, with PATHS=me, GET /api/v1/support/me/ as the reference.
local tokens = {}
for token in string.gmatch(os.getenv("TOKENS") or "", "[^,]+") do
  tokens[#tokens + 1] = token
end
local reference = os.getenv("MODE") == "reference"
local texts = {
  {"Withdrawal stuck", "My USDT withdrawal on TRC20 has been pending for six hours."},
  {"출금 지연", "USDT 출금이 여섯 시간째 대기 중입니다. 확인 부탁드립니다."},
  {"入金されない", "ETHを入金しましたが、まだ反映されていません。"},
  {"充值未到账", "我两个小时前充值了0.5 ETH，现在还没有到账。"},
  {"2FA", "I lost my phone and cannot log in with Google Authenticator."},
}
local counter = 0

function init(args)
  counter = math.random(1, 1000000) * 100
end

function request()
  counter = counter + 1
  local headers = {
    ["Authorization"] = "Token " .. tokens[(counter % #tokens) + 1],
    ["Content-Type"] = "application/json",
  }
  if reference then
    return wrk.format("GET", "/api/v1/support/me/", headers, nil)
  end
  local text = texts[(counter % #texts) + 1]
  local body = string.format('{"subject": "%s", "text": "%s #%d"}', text[1], text[2], counter)
  return wrk.format("POST", "/api/v1/tickets/", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f errors_status=%d errors_other=%d p50_ms=%.1f p99_ms=%.1f\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
