// Pointer parameters whose object the function does not read at entry get
// KCOV_DF_F_NOTREAD and no layout (docs/compiler.md, "Pointers the callee
// does not read"): the caller may have left such an object unwritten (DSE
// deletes stores the callee will not read), so its memory at entry is not
// what the call received. A parameter the function reads keeps its layout;
// at -O0 nothing is inferred and nothing is deleted.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args %s -o %t.ll
// RUN: FileCheck %s --check-prefix=O2 < %t.ll
// RUN: %opt -passes=verify -disable-output %t.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefix=O0 < %t.O0.ll

struct cfg { int level; int mode; int depth; };
int sink;

// Only written through: writeonly. info(0, FIRST|NOTREAD, 8)
// O2-LABEL: define {{.*}} @reset(ptr {{.*}}writeonly
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @reset to i64), i64 34363932928, i64 %{{.*}}, ptr null)
// O0-LABEL: define {{.*}} @reset(
// O0: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @reset to i64), i64 34359739648, i64 %{{.*}}, ptr @__kcov_df_layout_
__attribute__((noinline)) void reset(struct cfg *c)
{
	c->level = 1;
	c->mode = 2;
	c->depth = 3;
}

// Never dereferenced: readnone. info(0, FIRST|NOTREAD, 8)
// O2-LABEL: define {{.*}} @ignore(ptr {{.*}}readnone
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @ignore to i64), i64 34363932928, i64 %{{.*}}, ptr null)
__attribute__((noinline)) int ignore(struct cfg *c, int x)
{
	return x + (c != 0);
}

// Read: the layout. info(0, FIRST|FIELDS, 8)
// O2-LABEL: define {{.*}} @use(ptr {{.*}}readonly
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @use to i64), i64 34359739648, i64 %{{.*}}, ptr @__kcov_df_layout_
__attribute__((noinline)) int use(const struct cfg *c)
{
	return c->level + c->mode + c->depth;
}

// level is written before it is read (initializes((0, 4))), mode is read:
// the caller's store to level may be gone, so the object counts as not
// read. info(0, FIRST|NOTREAD, 8)
// O2-LABEL: define {{.*}} @part(ptr {{.*}}initializes((0, 4))
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @part to i64), i64 34363932928, i64 %{{.*}}, ptr null)
__attribute__((noinline)) int part(struct cfg *c)
{
	c->level = 7;
	return c->mode;
}

// A function that reads no memory at all (memory(none)).
// O2-LABEL: define {{.*}} @konst(
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @konst to i64), i64 34363932928, i64 %{{.*}}, ptr null)
__attribute__((noinline, const)) long konst(struct cfg *c)
{
	return (long)c >> 4;
}

__attribute__((noinline)) void fill(int n, char *out)
{
	for (int i = 0; i < n; i++)
		out[i] = 'a';
	out[n] = 0;
}

int main(void)
{
	struct cfg a = { 4242, 5, 19 }, b = a, d = a, e = a;
	char buf[8];

	reset(&a);
	sink += ignore(&b, 1) + use(&d) + part(&e) + (int)konst(&a);
	fill(3, buf);
	return a.level + e.level + buf[0];
}
