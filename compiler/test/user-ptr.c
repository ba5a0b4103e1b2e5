// Pointers the source marks __user or __percpu (the kernel's
// btf_type_tag("user") / ("percpu"), which kernels built for KCOV-Dataflow
// turn on) are recorded as plain values: the object behind them is not
// kernel memory the function may read (a caller chose the address, or it
// is a per-CPU offset), so it gets no layout. Other tags, and the same
// struct behind an ordinary pointer, keep their layout.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: %opt -passes=verify -disable-output %t.ll

#define __user __attribute__((btf_type_tag("user")))
#define __percpu __attribute__((btf_type_tag("percpu")))
#define __rcu __attribute__((btf_type_tag("rcu")))

struct iov { void *base; unsigned long len; };
int sink;

// CHECK-LABEL: define {{.*}} @f(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f to i64), i64 {{[0-9]+}}, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f to i64), i64 {{[0-9]+}}, i64 %{{.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f to i64), i64 {{[0-9]+}}, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f to i64), i64 {{[0-9]+}}, i64 %{{.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
__attribute__((noinline)) int f(const struct iov __user *u, struct iov *k,
				struct iov __percpu *p, struct iov __rcu *r)
{
	sink++;
	return (int)(long)u + (int)(long)k + (int)(long)p + (int)(long)r;
}

// A __user pointer returned: a plain value too.
// CHECK-LABEL: define {{.*}} @g(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @g to i64), i64 {{[0-9]+}}, i64 %{{.*}}, ptr null)
__attribute__((noinline)) struct iov __user *g(long x)
{
	sink++;
	return (struct iov __user *)x;
}
