/* SPDX-License-Identifier: GPL-2.0 */
/*
 * int kcovdf_copy_asm(void *dst, const void *src, size_t n)
 *
 * Copies n bytes and returns 0. The only instruction that touches src is the
 * `rep movsb` between kcovdf_copy_start and kcovdf_copy_end. When it faults
 * (unmapped, PROT_NONE, truncated file mapping...), the runtime's SIGSEGV /
 * SIGBUS handler (signals.c) sees the faulting pc in [start, end), sets the
 * pc to kcovdf_copy_fixup and returns: the call then returns 1. A fault
 * anywhere else is not ours and goes to the program's handler.
 *
 * The direction flag is clear on function entry (SysV ABI), so rep movsb
 * copies forward.
 */
	.text
	.p2align 4
	.globl	kcovdf_copy_asm
	.hidden	kcovdf_copy_asm
	.type	kcovdf_copy_asm, @function
	.globl	kcovdf_copy_start
	.hidden	kcovdf_copy_start
	.globl	kcovdf_copy_end
	.hidden	kcovdf_copy_end
	.globl	kcovdf_copy_fixup
	.hidden	kcovdf_copy_fixup
kcovdf_copy_asm:
	.cfi_startproc
#ifdef __CET__
	endbr64
#endif
	movq	%rdx, %rcx
kcovdf_copy_start:
	rep movsb
kcovdf_copy_end:
	xorl	%eax, %eax
	ret
kcovdf_copy_fixup:
	movl	$1, %eax
	ret
	.cfi_endproc
	.size	kcovdf_copy_asm, .-kcovdf_copy_asm

	.section .note.GNU-stack, "", @progbits
