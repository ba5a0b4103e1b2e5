-- CPU-bound Lua for bench/user/trace.sh: recursion, strings, tables.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local t = {}
for i = 1, 5000 do t[#t + 1] = string.format("%05d", (i * 7919) % 20011) end
table.sort(t)
local s = table.concat(t, ",")
local count = 0
for w in s:gmatch("%d+") do count = count + #w end
print(fib(20), count)
