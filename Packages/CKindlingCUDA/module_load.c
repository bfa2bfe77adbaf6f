// Swift runs no code when a module loads, but KindlingGPU must be able to tell KindlingTensor's
// device registry how to create its backends before a program first asks for `.cuda`. This
// constructor only stores a function pointer (KindlingTensor's C hook, defined in
// CKindlingVector); the registry calls it the first time it needs a backend, when the Swift
// runtime is fully up.
//
// The reference to the Swift function is strong on purpose: a weak one lets a release link's
// dead-code elimination drop the function, and the registration silently never happens.
// CKindlingCUDA is private to KindlingGPU, so the function is always in the link.
extern void kindling_gpu_module_loaded(void);
extern void (*kindling_device_backends_hook)(void);

__attribute__((constructor)) static void kd_gpu_register_backend(void) {
  kindling_device_backends_hook = kindling_gpu_module_loaded;
}
