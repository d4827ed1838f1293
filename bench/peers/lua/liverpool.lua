-- The Liverpool SEND policy (rules/send/liverpool.rules over national.rules)
-- in plain Lua over lua-cjson: one JSON case per line on standard input,
-- one decision line per case on standard output, in the same form as
--   entitle eval --jsonl --no-explain rules/send/liverpool.rules
-- (the policy digest is a constant). Runs under Lua 5.4 and LuaJIT 2.1.
--
--   lua5.4 liverpool.lua < cases.jsonl > decisions.jsonl
--   luajit liverpool.lua < cases.jsonl > decisions.jsonl
local cjson = require("cjson")
local safe = require("cjson.safe")
local floor, format, concat = math.floor, string.format, table.concat
local match = string.match

local REQUEST_STAGES = { draft_plan = true, annual_review = true, reassessment = true }
local STAGES = { none = true, needs_assessment = true, draft_plan = true,
  plan_maintained = true, annual_review = true, reassessment = true }
local STREAMS = { "education", "health", "social_care", "transport" }
local STREAM_INDEX = { education = 1, health = 2, social_care = 3, transport = 4 }
local SBA = { none = true, self = true, common_assessment = true, core_assessment = true,
  disability_team = true, joint_agency = true }

local HEAD = ',"policy":{"name":"Liverpool City Council: A Guide to Personalisation and ' ..
  'Personal Budgets","version":"Revised May 2018","digest":"sha256:lua"},"decisions":{"may_request":'

-- Functions return nil and a message for a case that cannot be decided
-- (no pcall on the hot path: it stops LuaJIT's traces).
-- One provision's decisions as JSON, by included and direct_payment.
local ITEM = {
  [true] = { [true] = ':{"included":true,"direct_payment":true}',
             [false] = ':{"included":true,"direct_payment":false}' },
  [false] = { [true] = ':{"included":false,"direct_payment":true}',
              [false] = ':{"included":false,"direct_payment":false}' },
}

local function money(s)
  local p, c = match(s, "^(%d+)%.(%d%d)$")
  if not p or #p > 9 then return nil end
  return tonumber(p) * 100 + tonumber(c)
end

local function fmt(pence)
  local whole = floor(pence / 100)
  local c = pence - whole * 100
  return '"' .. whole .. (c < 10 and ".0" or ".") .. c .. '"'
end

local function quote(s)
  if match(s, "^[%w_%-]*$") then return '"' .. s .. '"' end
  return cjson.encode(s)
end

local function decide(c)
  if type(c) ~= "table" then return nil, "not an object" end
  if type(c.case_id) ~= "string" then return nil, "case_id: required" end
  local stage = c.ehc_stage
  if not STAGES[stage] then return nil, "ehc_stage: unknown value" end
  if not SBA[c.short_breaks_assessment] then return nil, "short_breaks_assessment: unknown value" end
  local requested = c.personal_budget_requested == true
  local exceptional = c.exceptional_circumstances == true
  local disputes = c.family_disputes_amount == true
  local may_request = REQUEST_STAGES[stage] == true                    -- N1
  local budget = { 0, 0, 0, 0 }
  local total, dp_total = 0, 0
  local any_included, not_offered = false, false
  local out = { quote(c.case_id), HEAD, may_request and "true" or "false", ',"provisions":{' }
  local provisions = c.provisions
  local items = {}
  for i = 1, #provisions do
    local p = provisions[i]
    local s = STREAM_INDEX[p.stream]
    if not s then return nil, "stream: unknown value" end
    local cost = type(p.annual_cost) == "string" and money(p.annual_cost)
    if not cost then return nil, "annual_cost: bad amount" end
    local others = p.affects_others == true
    -- N1, N2 (final), V1
    local included = may_request and p.universal ~= true and p.block_contract ~= true and not others
    -- N3, N4, N5 (final), V2, N7 (default: included)
    local dp = included and p.school_placement ~= true and not others
      and not (p.employs_household_member == true and not exceptional)
    if included then
      budget[s] = budget[s] + cost
      total = total + cost
      any_included = true
    end
    if dp then dp_total = dp_total + cost end
    if p.in_request == true and not included then not_offered = true end
    items[i] = quote(p.id) .. ITEM[included][dp]
  end
  out[#out + 1] = concat(items, ",")
  out[#out + 1] = '},"budget":{'
  for s = 1, 4 do
    out[#out + 1] = '"' .. STREAMS[s] .. '":' .. fmt(budget[s]) .. ","
  end
  out[#out + 1] = '"total":' .. fmt(total) .. '},"direct_payment_total":' .. fmt(dp_total)
  -- V3, sorted
  local grounds = {}
  if disputes then grounds[#grounds + 1] = '"amount_insufficient"' end
  if requested and not (may_request and any_included) then grounds[#grounds + 1] = '"budget_refused"' end
  if not_offered then grounds[#grounds + 1] = '"provision_not_offered"' end
  out[#out + 1] = ',"appeal_grounds":[' .. concat(grounds, ",") .. "]}}\n"
  return '{"case_id":' .. concat(out)
end

local write = io.write
io.stdout:setvbuf("full", 65536)
local n, bad = 0, 0
for line in io.lines() do
  n = n + 1
  local c, err = safe.decode(line)
  local res
  if c then res, err = decide(c) end
  if res then
    write(res)
  else
    bad = bad + 1
    write('{"line":' .. n .. ',"error":{"message":' .. cjson.encode(err) .. '}}\n')
  end
end
io.stdout:flush()
if bad > 0 then
  io.stderr:write(format("liverpool.lua: %d cases could not be decided\n", bad))
  os.exit(2)
end
