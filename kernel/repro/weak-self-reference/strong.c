/* The override, in another section, as the kernel's __init versions. */
__attribute__((section(".init.text"))) int hook(int x)
{
	return x * 2;
}
