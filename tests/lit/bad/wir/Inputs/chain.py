# Prints a .wir whose ops form one chain of N negations (chain-too-deep.test).
import sys
n = int(sys.argv[1])
print('module @c target "tiny" grid 0x0 stage infer {')
print('  %x = input "x" : f32[1, 2]')
prev = "x"
for i in range(n):
    print("  %%a%d = neg %%%s : f32[1, 2]" % (i, prev))
    prev = "a%d" % i
print('  output "y" = %%%s : f32[1, 2]' % prev)
print("}")
