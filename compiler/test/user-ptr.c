// Pointers the source marks __user, __percpu or __iomem (the kernel's
// btf_type_tag("user") / ("percpu") / ("iomem"), which kernels built for
// KCOV-Dataflow turn on) are recorded as plain values: the object behind
// them is not kernel memory the function may read (a caller chose the
// address, it is a per-CPU offset, or it is device memory, where a read
// has side effects), so it gets no layout. Other tags, and the same struct
// behind an ordinary pointer, keep their layout.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: %opt -passes=verify -disable-output %t.ll

#define __user __attribute__((btf_type_tag("user")))
#define __percpu __attribute__((btf_type_tag("percpu")))
#define __rcu __attribute__((btf_type_tag("rcu")))
#define __iomem __attribute__((btf_type_tag("iomem")))

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
	/* k and r are read (else they would be NOTREAD, notread.c). */
	return (int)(long)u + (int)k->len + (int)(long)p + (int)r->len;
}

// A __user pointer returned: a plain value too.
// CHECK-LABEL: define {{.*}} @g(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @g to i64), i64 {{[0-9]+}}, i64 %{{.*}}, ptr null)
__attribute__((noinline)) struct iov __user *g(long x)
{
	sink++;
	return (struct iov __user *)x;
}

// __iomem: device registers, never read. A struct behind it gets no layout.
struct regs { unsigned int ctrl, status; };
// CHECK-LABEL: define {{.*}} @io(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @io to i64), i64 {{[0-9]+}}, i64 %{{.*}}, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @io to i64), i64 {{[0-9]+}}, i64 %{{.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
__attribute__((noinline)) unsigned int io(struct regs __iomem *r,
					  const struct regs *k)
{
	sink++;
	return *(volatile unsigned int *)&r->status + k->ctrl;
}
