/* Kernel-like code patterns for the kernel-flags test. */
#define noinstr __attribute__((__section__(".noinstr.text"))) \
	__attribute__((no_sanitize("coverage"), no_sanitize("kernel-address"), no_sanitize("thread")))
#define __always_inline inline __attribute__((__always_inline__))
#define likely(x) __builtin_expect(!!(x), 1)
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-4095)

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef _Bool bool;

typedef struct { int counter; } atomic_t;
typedef struct raw_spinlock { atomic_t val; } raw_spinlock_t;
typedef struct spinlock { union { struct raw_spinlock rlock; }; } spinlock_t;
struct list_head { struct list_head *next, *prev; };

struct file;
struct file_operations {
	long (*read)(struct file *, char *, unsigned long, long long *);
	int (*open)(struct file *);
	unsigned int (*poll)(struct file *, void *);
};

struct flags {
	u32 ready : 1, dirty : 1, level : 4;
	int signed_bits : 5;
	u64 wide : 40;
	u16 straddle : 12;
	bool on : 1;
};

struct file {
	spinlock_t f_lock;
	struct list_head f_list;
	const struct file_operations *f_op;
	union {
		struct { u32 lo, hi; };
		u64 both;
	};
	struct flags fl;
	unsigned int f_flags;
	long long f_pos;
	char name[32];
	void *private_data;
};
