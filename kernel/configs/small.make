# Make arguments of the small variant: instrument fs/read_write.c (read(2),
# write(2), lseek(2)...) with the documented per-file switch, given on the
# command line so that no Makefile of the tree has to change. Command-line
# variables reach every sub-make; read_write.o is the only object of that
# name in the tree.
KCOV_DATAFLOW_read_write.o=y
