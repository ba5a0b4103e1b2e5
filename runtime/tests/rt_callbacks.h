/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the runtime's tests call directly, as compiled code would: the
 * dataflow callbacks with the convention the plugin calls them with
 * (include/linux/kcov_dataflow_abi.h, "Calling convention"), KCOV's
 * function entry/exit callbacks, and the gate.
 */
#ifndef KCOVDF_RT_CALLBACKS_H
#define KCOVDF_RT_CALLBACKS_H

#include <stdint.h>

#include <linux/kcov_dataflow_abi.h>

__attribute__((preserve_most))
void __kcov_df_trace_args_v2(uint64_t func, uint64_t info, uint64_t value,
			     const struct kcov_df_layout *layout);
__attribute__((preserve_most))
void __kcov_df_trace_ret_v2(uint64_t func, uint64_t info, uint64_t value,
			    const struct kcov_df_layout *layout);
void __sanitizer_cov_trace_pc_entry(void);
void __sanitizer_cov_trace_pc_exit(void);
void __sanitizer_cov_trace_pc(void);
extern int __kcov_df_gate;

#endif /* KCOVDF_RT_CALLBACKS_H */
