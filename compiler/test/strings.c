// Pointers to plain char are strings: KCOV_DF_F_STRING, the callback
// reads the text. Only plain char, through qualifiers but no typedef (u8 *
// is bytes), and not __user, __iomem or __percpu pointers; a buffer the
// function only writes is NOTREAD instead (notread.c).
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: %opt -passes=verify -disable-output %t.ll

#define __user __attribute__((btf_type_tag("user")))
#define __iomem __attribute__((btf_type_tag("iomem")))
typedef unsigned char u8;
typedef char mychar;
volatile long sink;

// info(0, FIRST|STRING, 8) = 34360787200, info(i, STRING, 8) = 34360786944 + i,
// info(i, 0, 8) = 34359738368 + i
// CHECK-LABEL: define {{.*}} @f(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34360787200, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34360786945, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34360786946, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738371, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738372, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738373, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738374, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738375, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738376, i64 %{{.*}}, ptr null)
__attribute__((noinline)) long f(const char *a, char *b, const volatile char *const c,
				 unsigned char *d, signed char *e, u8 *g,
				 mychar *h, char **i, const char __user *u)
{
	return a[0] + b[0] + c[0] + d[0] + e[0] + g[0] + h[0] + i[0][0] +
	       (long)u;
}

// An __iomem char * is device memory: never read, not a string.
// CHECK-LABEL: define {{.*}} @io(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 %{{.*}}, ptr null)
__attribute__((noinline)) long io(const char __iomem *p)
{
	sink++;
	return (long)p;
}

// A returned string. info(0xff, STRING, 8) = 34360787199
// CHECK-LABEL: define {{.*}} @name(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 34360787199, i64 %{{.*}}, ptr null)
__attribute__((noinline)) const char *name(int i)
{
	static const char *const n[] = { "a", "b" };

	sink++;
	return n[i & 1];
}

// A buffer only written: NOTREAD, no STRING. info(1, NOTREAD, 8)
// CHECK-LABEL: define {{.*}} @fill(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34363932673, i64 %{{.*}}, ptr null)
__attribute__((noinline)) void fill(int n, char *out)
{
	for (int i = 0; i < n; i++)
		out[i] = 'a';
	out[n] = 0;
}
