// OpenCL entry points, bound at run time with dlopen (see include/CKindlingOpenCL.h).
