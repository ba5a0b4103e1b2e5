/* A weak default, as the kernel has many (arch_cpuhp_init_parallel_bringup,
 * execmem_arch_setup, ...). */
__attribute__((weak)) int hook(int x)
{
	return x + 1;
}
