-- wrk script for bench/helpdesk_reference.py: POST django-helpdesk's public ticket form
-- (/tickets/submit/) as a browser sends it (multipart/form-data), rotating through texts in
-- four languages, five priorities and many submitter addresses. One CSRF cookie and form
-- token, fetched once from the form page by the Python script, come in CSRF_COOKIE and
-- CSRF_TOKEN; the queue's id in QUEUE. Helpdesk answers 302 (to the ticket's public page)
-- when it stored the ticket and 200 (the form again, with errors) when it did not, so the
-- statuses are counted by class.
local csrf_cookie = os.getenv("CSRF_COOKIE") or ""
local csrf_token = os.getenv("CSRF_TOKEN") or ""
local queue = os.getenv("QUEUE") or "1"
local boundary = "----helpdeskbench7f3a9c"
local texts = {
  {"Withdrawal stuck", "My USDT withdrawal on TRC20 has been pending for six hours."},
  {"출금 지연", "USDT 출금이 여섯 시간째 대기 중입니다. 확인 부탁드립니다."},
  {"入金されない", "ETHを入金しましたが、まだ反映されていません。"},
  {"充值未到账", "我两个小时前充值了0.5 ETH，现在还没有到账。"},
  {"2FA", "I lost my phone and cannot log in with Google Authenticator."},
  {"계정 잠김", "비밀번호를 여러 번 틀려서 계정이 잠겼습니다. 해제해 주세요."},
  {"本人確認", "本人確認書類を提出しましたが、三日経っても審査が終わりません。"},
  {"提币地址错误", "我把BTC提到了错误的网络，请问还能找回吗？"},
}
local counter = 0
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  counter = math.random(1, 1000000) * 100
  found = 0
  other = 0
end

local function part(name, value)
  return "--" .. boundary .. "\r\n"
    .. 'Content-Disposition: form-data; name="' .. name .. '"\r\n\r\n'
    .. value .. "\r\n"
end

function request()
  counter = counter + 1
  local text = texts[(counter % #texts) + 1]
  local body = part("csrfmiddlewaretoken", csrf_token)
    .. part("queue", queue)
    .. part("title", text[1])
    .. part("body", string.format("%s (#%d)", text[2], counter))
    .. part("priority", tostring((counter % 5) + 1))
    .. part("due_date", "")
    .. part("submitter_email", string.format("customer%d@example.com", counter % 997))
    .. "--" .. boundary .. "--\r\n"
  local headers = {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["Cookie"] = "csrftoken=" .. csrf_cookie,
  }
  return wrk.format("POST", "/tickets/submit/", headers, body)
end

function response(status, headers, body)
  if status == 302 then
    found = found + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local redirects, others = 0, 0
  for _, thread in ipairs(threads) do
    redirects = redirects + thread:get("found")
    others = others + thread:get("other")
  end
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f redirects=%d not_redirects=%d errors_status=%d "
      .. "errors_other=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, redirects, others, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
