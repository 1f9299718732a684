// Engine exceptions as Python exceptions. The engine's messages already name the field,
// the value and what is allowed; the Python type says what kind of problem it is:
// bad input -> ValueError (model files: ModelError, a ValueError), memory exhaustion ->
// MemoryError, device and engine failures -> CubieError subclasses of RuntimeError.
#include <Python.h>

#include "bindings.hpp"
#include "cubie/core/error.hpp"
#include "cubie/io/monitored_sink.hpp"

namespace cubie::python {

namespace {

PyObject* cubie_error = nullptr;
PyObject* model_error_type = nullptr;
PyObject* device_error_type = nullptr;
PyObject* internal_error_type = nullptr;
PyObject* out_of_memory_type = nullptr;

PyObject* new_type(nb::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("cubie._core.") + name;
  PyObject* t = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (!t) throw nb::python_error();
  m.attr(name) = nb::handle(t);
  return t;
}

}  // namespace

void bind_errors(nb::module_& m) {
  cubie_error = new_type(m, "CubieError", PyExc_RuntimeError, "An error inside cubie's engine.");
  model_error_type = new_type(m, "ModelError", PyExc_ValueError,
                              "A model's equations or declarations are malformed; the message points at the line.");
  device_error_type = new_type(m, "DeviceError", cubie_error, "A CUDA call failed.");
  internal_error_type = new_type(m, "InternalError", cubie_error,
                                 "cubie itself is wrong (for example generated code failed to compile).");
  {
    PyObject* bases = PyTuple_Pack(1, PyExc_MemoryError);
    out_of_memory_type = new_type(m, "OutOfMemoryError", bases,
                                  "Not enough memory under the budget or on the device.");
    Py_DECREF(bases);
  }

  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const model_error& e) {
      PyErr_SetString(model_error_type, e.what());
    } catch (const invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const device_error& e) {
      PyErr_SetString(device_error_type, e.what());
    } catch (const internal_error& e) {
      PyErr_SetString(internal_error_type, e.what());
    } catch (const error& e) {
      PyErr_SetString(cubie_error, e.what());
    } catch (const out_of_memory& e) {
      PyErr_SetString(out_of_memory_type, e.what());
    }
  });
}

}  // namespace cubie::python
