-- SPDX-License-Identifier: GPL-2.0
-- CPU-bound interpreter workload for bench/user/interp.sh: recursion,
-- table construction and sorting, string building, closures, integer and
-- float arithmetic. Argument: a scale factor (default 1). Prints a checksum
-- so that every build must compute the same thing.
local scale = tonumber(arg and arg[1]) or 1

local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

local function tables(n)
  local t = {}
  for i = 1, n do t[i] = (i * 7919) % 10007 end
  table.sort(t)
  local m = {}
  for i = 1, n do m["k" .. (t[i] % 512)] = (m["k" .. (t[i] % 512)] or 0) + 1 end
  local s = 0
  for _, v in pairs(m) do s = s + v end
  return s + t[1] + t[n]
end

local function strings(n)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = string.format("%d:%x", i, i * 31) end
  local s = table.concat(parts, ",")
  local c = 0
  for w in s:gmatch("%d+:") do c = c + #w end
  return c + #s:upper()
end

local function closures(n)
  local acc = 0
  local function make(k) return function(x) return x * k + 1 end end
  for i = 1, n do acc = (acc + make(i % 13)(i)) % 1000003 end
  return acc
end

local function floats(n)
  local x = 0.0
  for i = 1, n do x = x + math.sin(i * 0.001) * math.sqrt(i) end
  return math.floor(x)
end

local sum = 0
for _ = 1, scale do
  sum = sum + fib(24) + tables(20000) + strings(20000) + closures(100000)
    + floats(100000)
end
print(sum)
