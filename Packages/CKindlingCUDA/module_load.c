// Swift runs no code when a module loads, but KindlingGPU must tell KindlingTensor's device
// registry how to create the CUDA backend before a program first asks for `.cuda`. This
// constructor runs when the program (or library) that links KindlingGPU loads, and calls the
// Swift function KindlingGPU exports for it; the registration itself only stores a closure.
extern void kindling_gpu_module_loaded(void) __attribute__((weak));

__attribute__((constructor)) static void kd_gpu_register_backend(void) {
  if (kindling_gpu_module_loaded) kindling_gpu_module_loaded();
}
