# Make arguments of the small variant: instrument fs/read_write.c (read(2),
# write(2), lseek(2)...) with the documented per-file switches, for
# dataflow and for KCOV (so that KCOV_TRACE_PC_EXT gives the entry/exit
# frames the dataflow records sit in), given on the command line so that
# no Makefile of the tree has to change. Command-line variables reach every
# sub-make; read_write.o is the only object of that name in the tree.
KCOV_DATAFLOW_read_write.o=y
KCOV_INSTRUMENT_read_write.o=y
