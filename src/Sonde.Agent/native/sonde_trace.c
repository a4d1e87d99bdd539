/*
 * sonde_trace: the C parts of `sonde trace` (docs/trace.md, "The native tracer"), an extension module compiled
 * once per CPython minor version and imported by the agent when it is there; the agent's Python code does the
 * same work, more slowly, when it isn't.
 *
 * - Route: from 3.12 _lsprof listens to sys.monitoring, whose callbacks are global. A Route is the callback
 *   Sonde registers instead: it forwards each event to the calling thread's own profiler, found in a C
 *   thread-local slot, so threads stay apart for the price of one indirect call.
 * - LineTracer: hits and time per line of the functions `--lines` chose, as the Python tracer in lines.py
 *   counts them (a line runs from its LINE event to the frame's next event). Below 3.12 it is the thread's C
 *   trace function; from 3.12 the module's on_* functions are the sys.monitoring callbacks and find the
 *   thread's tracer in a thread-local slot. Per thread, records live in the Python tables lines.py sends
 *   ({lid: {line: record}}), and a per-function array finds a line's record without a dictionary lookup.
 *
 * Everything here runs with the GIL held, which serialises it with the agent's flusher reading the records.
 */
#define PY_SSIZE_T_CLEAN
/* 3.11 keeps PyFrameObject's fields (f_trace_lines) in internal/pycore_frame.h. */
#define Py_BUILD_CORE 1
#include <Python.h>

#if PY_VERSION_HEX < 0x03080000 || PY_VERSION_HEX >= 0x030E0000
#error "sonde_trace supports CPython 3.8 to 3.13"
#endif

#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h>
#elif PY_VERSION_HEX < 0x030C0000
#include <internal/pycore_frame.h>
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define ROUTE_SLOTS 8

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *Py_NewRef(PyObject *object) { Py_INCREF(object); return object; }
#endif

/* ---- LineRecord: [hits, nanoseconds] of one line, readable as record[0] and record[1] ------------------ */

typedef struct {
    PyObject_HEAD
    long long hits;
    long long ns;
} LineRecord;

static Py_ssize_t record_length(PyObject *self) { return 2; }

static PyObject *record_item(PyObject *self, Py_ssize_t index)
{
    LineRecord *record = (LineRecord *)self;
    if (index == 0) return PyLong_FromLongLong(record->hits);
    if (index == 1) return PyLong_FromLongLong(record->ns);
    PyErr_SetString(PyExc_IndexError, "a line record has two items");
    return NULL;
}

static PySequenceMethods record_sequence = { .sq_length = record_length, .sq_item = record_item };

static PyTypeObject LineRecordType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sonde_trace.LineRecord",
    .tp_basicsize = sizeof(LineRecord),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_sequence = &record_sequence,
    .tp_new = PyType_GenericNew,
};

/* ---- per-thread state ----------------------------------------------------------------------------------- */

/* One chosen function, for one thread: its table ({line: record}) and records by line - base. */
typedef struct {
    PyObject *table;
    int base;
    int capacity;
    LineRecord **records;
} Function;

/* What a code object is for this thread: not chosen, or a chosen Function. */
typedef struct {
    PyObject *code;
    Function *function; /* NULL: not chosen */
} CodeEntry;

/* A running frame of a chosen function, and the line it is on. */
typedef struct {
    void *key; /* the frame below 3.12, the code object from 3.12 */
    Function *function;
    LineRecord *current;
    long long started;
} Running;

enum { CLOCK_WALL = 0, CLOCK_CPU = 1, CLOCK_CALLABLE = 2 };

typedef struct {
    PyObject_HEAD
    PyObject *tables;  /* {lid: {line: record}} sent by lines.py */
    PyObject *known;   /* Lines.resolved: {code: LineFunction or False}, which keeps the codes alive */
    PyObject *resolve; /* Lines.resolve(code, globals) */
    PyObject *clock;   /* the clock when it is a Python callable (sonde mem's traced bytes) */
    int clock_kind;
    CodeEntry *codes;
    size_t code_capacity, code_count;
    Running *stack;
    size_t depth, stack_capacity;
} LineTracer;

static _Thread_local PyObject *route_targets[ROUTE_SLOTS];
/* For a target that is a built-in method taking (self, args, nargs), as _lsprof's callbacks are: its C function
   and self, called directly, without the method object's own vectorcall layer. */
static _Thread_local _PyCFunctionFast route_functions[ROUTE_SLOTS];
static _Thread_local PyObject *route_selves[ROUTE_SLOTS];
static _Thread_local LineTracer *thread_tracer;

static long long now(LineTracer *tracer)
{
    struct timespec ts;
    if (tracer->clock_kind == CLOCK_CALLABLE) {
        PyObject *value = PyObject_CallObject(tracer->clock, NULL);
        long long result = value == NULL ? 0 : PyLong_AsLongLong(value);
        Py_XDECREF(value);
        if (PyErr_Occurred()) PyErr_Clear();
        return result;
    }
    clock_gettime(tracer->clock_kind == CLOCK_CPU ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static size_t code_slot(LineTracer *tracer, PyObject *code)
{
    size_t mask = tracer->code_capacity - 1;
    size_t slot = ((uintptr_t)code >> 4) & mask;
    while (tracer->codes[slot].code != NULL && tracer->codes[slot].code != code) slot = (slot + 1) & mask;
    return slot;
}

static int grow_codes(LineTracer *tracer)
{
    CodeEntry *old = tracer->codes;
    size_t old_capacity = tracer->code_capacity;
    size_t capacity = old_capacity ? old_capacity * 2 : 256;
    CodeEntry *codes = PyMem_RawCalloc(capacity, sizeof(CodeEntry));
    if (codes == NULL) return -1;
    tracer->codes = codes;
    tracer->code_capacity = capacity;
    for (size_t i = 0; i < old_capacity; i++)
        if (old[i].code != NULL) tracer->codes[code_slot(tracer, old[i].code)] = old[i];
    PyMem_RawFree(old);
    return 0;
}

/* This thread's Function for a chosen code object, NULL if it isn't chosen (or on error, which is cleared:
   a tracer must not raise into the program). Codes are only remembered once Lines.resolved holds them, so an
   address here always names the same code object. */
static Function *function_of(LineTracer *tracer, PyObject *code, PyObject *globals)
{
    if (tracer->code_capacity) {
        CodeEntry *entry = &tracer->codes[code_slot(tracer, code)];
        if (entry->code == code) return entry->function;
    }
    PyObject *chosen = PyDict_GetItemWithError(tracer->known, code);
    if (chosen == NULL) {
        if (PyErr_Occurred() || globals == NULL) { PyErr_Clear(); return NULL; }
        PyObject *resolved = PyObject_CallFunctionObjArgs(tracer->resolve, code, globals, NULL);
        if (resolved == NULL) { PyErr_Clear(); return NULL; }
        Py_DECREF(resolved);
        chosen = PyDict_GetItemWithError(tracer->known, code);
        if (chosen == NULL) { PyErr_Clear(); return NULL; }
    }
    Function *function = NULL;
    int truth = PyObject_IsTrue(chosen);
    if (truth < 0) { PyErr_Clear(); return NULL; }
    if (truth) {
        PyObject *lid = PyObject_GetAttrString(chosen, "lid");
        if (lid == NULL) { PyErr_Clear(); return NULL; }
        PyObject *table = PyDict_GetItemWithError(tracer->tables, lid);
        if (table == NULL && !PyErr_Occurred()) {
            table = PyDict_New();
            if (table != NULL && PyDict_SetItem(tracer->tables, lid, table) < 0) Py_CLEAR(table);
            Py_XDECREF(table); /* the tables dict holds it */
        }
        Py_DECREF(lid);
        if (table == NULL) { PyErr_Clear(); return NULL; }
        function = PyMem_RawCalloc(1, sizeof(Function));
        if (function == NULL) return NULL;
        Py_INCREF(table);
        function->table = table;
        function->base = ((PyCodeObject *)code)->co_firstlineno;
    }
    if (2 * (tracer->code_count + 1) > tracer->code_capacity && grow_codes(tracer) < 0) return function;
    CodeEntry *entry = &tracer->codes[code_slot(tracer, code)];
    entry->code = code;
    entry->function = function;
    tracer->code_count++;
    return function;
}

static LineRecord *record_of(Function *function, int line)
{
    int index = line - function->base;
    if (index >= 0 && index < function->capacity && function->records[index] != NULL) return function->records[index];
    PyObject *key = PyLong_FromLong(line);
    if (key == NULL) { PyErr_Clear(); return NULL; }
    LineRecord *record = (LineRecord *)PyDict_GetItemWithError(function->table, key);
    if (record != NULL && !PyObject_TypeCheck((PyObject *)record, &LineRecordType)) record = NULL;
    if (record == NULL) {
        record = PyObject_New(LineRecord, &LineRecordType);
        if (record != NULL) {
            record->hits = 0;
            record->ns = 0;
            if (PyDict_SetItem(function->table, key, (PyObject *)record) < 0) Py_CLEAR(record);
            else Py_DECREF(record); /* the table holds it */
        }
    }
    Py_DECREF(key);
    if (record == NULL) { PyErr_Clear(); return NULL; }
    if (index >= 0) {
        if (index >= function->capacity) {
            int capacity = function->capacity ? function->capacity : 64;
            while (capacity <= index) capacity *= 2;
            LineRecord **records = PyMem_RawRealloc(function->records, capacity * sizeof(LineRecord *));
            if (records == NULL) return record;
            memset(records + function->capacity, 0, (capacity - function->capacity) * sizeof(LineRecord *));
            function->records = records;
            function->capacity = capacity;
        }
        function->records[index] = record;
    }
    return record;
}

static Running *push(LineTracer *tracer, void *key, Function *function)
{
    if (tracer->depth == tracer->stack_capacity) {
        size_t capacity = tracer->stack_capacity ? tracer->stack_capacity * 2 : 64;
        Running *stack = PyMem_RawRealloc(tracer->stack, capacity * sizeof(Running));
        if (stack == NULL) return NULL;
        tracer->stack = stack;
        tracer->stack_capacity = capacity;
    }
    Running *top = &tracer->stack[tracer->depth++];
    top->key = key;
    top->function = function;
    top->current = NULL;
    top->started = 0;
    return top;
}

static void on_line_event(LineTracer *tracer, void *key, PyObject *code, int line, long long at)
{
    Running *top = tracer->depth ? &tracer->stack[tracer->depth - 1] : NULL;
    if (top == NULL || top->key != key) {
        /* A frame entered before its function was chosen or before this tracer started, or resumed by throw(). */
        Function *function = function_of(tracer, code, NULL);
        if (function == NULL || (top = push(tracer, key, function)) == NULL) return;
    }
    if (top->current != NULL) top->current->ns += at - top->started;
    top->current = record_of(top->function, line);
    if (top->current != NULL) top->current->hits++;
    top->started = at;
}

/* The clock is read only when the frame is a timed one: every function's return comes here. */
static void on_leave_event(LineTracer *tracer, void *key)
{
    if (tracer->depth == 0 || tracer->stack[tracer->depth - 1].key != key) return;
    long long at = now(tracer);
    Running *top = &tracer->stack[--tracer->depth];
    if (top->current != NULL) top->current->ns += at - top->started;
}

static void tracer_release(LineTracer *tracer)
{
    for (size_t i = 0; i < tracer->code_capacity; i++) {
        Function *function = tracer->codes[i].function;
        if (function == NULL) continue;
        Py_DECREF(function->table);
        PyMem_RawFree(function->records);
        PyMem_RawFree(function);
    }
    PyMem_RawFree(tracer->codes);
    PyMem_RawFree(tracer->stack);
    tracer->codes = NULL;
    tracer->stack = NULL;
    tracer->code_capacity = tracer->code_count = tracer->depth = tracer->stack_capacity = 0;
}

static void tracer_dealloc(PyObject *self)
{
    LineTracer *tracer = (LineTracer *)self;
    if (thread_tracer == tracer) thread_tracer = NULL;
    tracer_release(tracer);
    Py_XDECREF(tracer->tables);
    Py_XDECREF(tracer->known);
    Py_XDECREF(tracer->resolve);
    Py_XDECREF(tracer->clock);
    Py_TYPE(self)->tp_free(self);
}

static int tracer_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    LineTracer *tracer = (LineTracer *)self;
    PyObject *tables, *known, *resolve, *clock;
    int clock_kind;
    if (!PyArg_ParseTuple(args, "O!O!OiO", &PyDict_Type, &tables, &PyDict_Type, &known, &resolve, &clock_kind, &clock))
        return -1;
    Py_INCREF(tables);
    Py_INCREF(known);
    Py_INCREF(resolve);
    Py_INCREF(clock);
    Py_XSETREF(tracer->tables, tables);
    Py_XSETREF(tracer->known, known);
    Py_XSETREF(tracer->resolve, resolve);
    Py_XSETREF(tracer->clock, clock);
    tracer->clock_kind = clock_kind;
    return 0;
}

#if PY_VERSION_HEX < 0x030C0000
static PyObject *frame_code(PyFrameObject *frame)
{
#if PY_VERSION_HEX < 0x03090000
    return Py_NewRef((PyObject *)frame->f_code);
#else
    return (PyObject *)PyFrame_GetCode(frame);
#endif
}

static PyObject *frame_globals(PyFrameObject *frame)
{
#if PY_VERSION_HEX < 0x030B0000
    return Py_NewRef(frame->f_globals);
#else
    return PyFrame_GetGlobals(frame);
#endif
}

static int frame_line(PyFrameObject *frame)
{
#if PY_VERSION_HEX < 0x030B0000
    /* The interpreter sets f_lineno before it reports a line. */
    return frame->f_lineno;
#else
    return PyFrame_GetLineNumber(frame);
#endif
}

static int trace_function(PyObject *self, PyFrameObject *frame, int what, PyObject *arg)
{
    LineTracer *tracer = (LineTracer *)self;
    switch (what) {
    case PyTrace_CALL: {
        PyObject *code = frame_code(frame), *globals = frame_globals(frame);
        Function *function = function_of(tracer, code, globals);
        Py_DECREF(code);
        Py_XDECREF(globals);
        if (function == NULL) frame->f_trace_lines = 0; /* this frame's lines cost nothing from here on */
        else push(tracer, frame, function);
        break;
    }
    case PyTrace_LINE: {
        long long at = now(tracer);
        PyObject *code = frame_code(frame);
        on_line_event(tracer, frame, code, frame_line(frame), at);
        Py_DECREF(code);
        break;
    }
    case PyTrace_RETURN:
        on_leave_event(tracer, frame);
        break;
    }
    return 0;
}
#endif

static PyObject *tracer_install(PyObject *self, PyObject *unused)
{
    thread_tracer = (LineTracer *)self;
#if PY_VERSION_HEX < 0x030C0000
    PyEval_SetTrace(trace_function, self);
#endif
    Py_RETURN_NONE;
}

static PyMethodDef tracer_methods[] = {
    {"install", tracer_install, METH_NOARGS, "Makes this the calling thread's line tracer."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LineTracerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sonde_trace.LineTracer",
    .tp_basicsize = sizeof(LineTracer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = tracer_init,
    .tp_dealloc = tracer_dealloc,
    .tp_methods = tracer_methods,
    .tp_doc = "LineTracer(tables, known, resolve, clock_kind, clock)",
};

static PyObject *uninstall(PyObject *module, PyObject *unused)
{
#if PY_VERSION_HEX < 0x030C0000
    if (thread_tracer != NULL) PyEval_SetTrace(NULL, NULL);
#endif
    thread_tracer = NULL;
    Py_RETURN_NONE;
}

/* ---- sys.monitoring callbacks (3.12+) ------------------------------------------------------------------- */

#if PY_VERSION_HEX >= 0x030C0000
static PyObject *disable_sentinel;

/* PY_START: a function not chosen never reports again (DISABLE); LINE events are set on chosen codes only. */
static PyObject *on_start(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    LineTracer *tracer = thread_tracer;
    if (tracer == NULL || nargs < 1) Py_RETURN_NONE;
    PyObject *globals = PyEval_GetGlobals();
    if (globals == NULL) Py_RETURN_NONE;
    Function *function = function_of(tracer, args[0], globals);
    if (function == NULL) return Py_NewRef(disable_sentinel);
    push(tracer, args[0], function);
    Py_RETURN_NONE;
}

static PyObject *on_resume(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    LineTracer *tracer = thread_tracer;
    if (tracer == NULL || nargs < 1) Py_RETURN_NONE;
    Function *function = function_of(tracer, args[0], NULL);
    if (function != NULL) push(tracer, args[0], function);
    Py_RETURN_NONE;
}

static PyObject *on_line(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    LineTracer *tracer = thread_tracer;
    if (tracer == NULL || nargs < 2) Py_RETURN_NONE;
    long long at = now(tracer);
    int line = PyLong_AsLong(args[1]);
    if (line == -1 && PyErr_Occurred()) { PyErr_Clear(); Py_RETURN_NONE; }
    on_line_event(tracer, args[0], args[0], line, at);
    Py_RETURN_NONE;
}

static PyObject *on_leave(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    LineTracer *tracer = thread_tracer;
    if (tracer == NULL || nargs < 1) Py_RETURN_NONE;
    on_leave_event(tracer, args[0]);
    Py_RETURN_NONE;
}

static PyObject *set_disable(PyObject *module, PyObject *sentinel)
{
    Py_XSETREF(disable_sentinel, Py_NewRef(sentinel));
    Py_RETURN_NONE;
}
#endif

/* ---- Route ---------------------------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    int slot;
} Route;

static PyObject *route_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    int slot = ((Route *)self)->slot;
    if (route_functions[slot] != NULL && kwnames == NULL)
        return route_functions[slot](route_selves[slot], args, PyVectorcall_NARGS(nargsf));
    PyObject *target = route_targets[slot];
    /* A thread with no profiler (C-created, Sonde's own): None, since DISABLE would silence every thread. */
    if (target == NULL) Py_RETURN_NONE;
#if PY_VERSION_HEX < 0x03090000
    return _PyObject_Vectorcall(target, args, nargsf, kwnames);
#else
    return PyObject_Vectorcall(target, args, nargsf, kwnames);
#endif
}

static PyObject *route_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    int slot;
    if (!PyArg_ParseTuple(args, "i", &slot)) return NULL;
    if (slot < 0 || slot >= ROUTE_SLOTS) {
        PyErr_SetString(PyExc_ValueError, "no such route slot");
        return NULL;
    }
    Route *route = (Route *)type->tp_alloc(type, 0);
    if (route == NULL) return NULL;
    route->vectorcall = route_vectorcall;
    route->slot = slot;
    return (PyObject *)route;
}

static PyTypeObject RouteType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sonde_trace.Route",
    .tp_basicsize = sizeof(Route),
    .tp_flags = Py_TPFLAGS_DEFAULT
#if PY_VERSION_HEX >= 0x03090000
        | Py_TPFLAGS_HAVE_VECTORCALL
#else
        | _Py_TPFLAGS_HAVE_VECTORCALL
#endif
    ,
    .tp_vectorcall_offset = offsetof(Route, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_new = route_new,
    .tp_doc = "Route(slot): calls the calling thread's target in that slot (set_routes).",
};

/* set_routes(*targets): the calling thread's targets, by slot; clear_routes() forgets them. */
static PyObject *set_routes(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs > ROUTE_SLOTS) {
        PyErr_SetString(PyExc_ValueError, "too many routes");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < ROUTE_SLOTS; i++) {
        PyObject *target = i < nargs ? Py_NewRef(args[i]) : NULL;
        route_functions[i] = NULL;
        route_selves[i] = NULL;
        if (target != NULL && PyCFunction_Check(target) && PyCFunction_GET_FLAGS(target) == METH_FASTCALL) {
            /* The target's reference keeps its self alive. */
            route_functions[i] = (_PyCFunctionFast)(void (*)(void))PyCFunction_GET_FUNCTION(target);
            route_selves[i] = PyCFunction_GET_SELF(target);
        }
        Py_XSETREF(route_targets[i], target);
    }
    Py_RETURN_NONE;
}

static PyObject *clear_routes(PyObject *module, PyObject *unused)
{
    for (int i = 0; i < ROUTE_SLOTS; i++) {
        route_functions[i] = NULL;
        route_selves[i] = NULL;
        Py_CLEAR(route_targets[i]);
    }
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"set_routes", (PyCFunction)(void (*)(void))set_routes, METH_FASTCALL, "The calling thread's route targets."},
    {"clear_routes", clear_routes, METH_NOARGS, "Forgets the calling thread's route targets."},
    {"uninstall", uninstall, METH_NOARGS, "Stops the calling thread's line tracer."},
#if PY_VERSION_HEX >= 0x030C0000
    {"on_start", (PyCFunction)(void (*)(void))on_start, METH_FASTCALL, "PY_START callback."},
    {"on_resume", (PyCFunction)(void (*)(void))on_resume, METH_FASTCALL, "PY_RESUME callback."},
    {"on_line", (PyCFunction)(void (*)(void))on_line, METH_FASTCALL, "LINE callback."},
    {"on_leave", (PyCFunction)(void (*)(void))on_leave, METH_FASTCALL, "PY_RETURN, PY_YIELD and PY_UNWIND callback."},
    {"set_disable", set_disable, METH_O, "sys.monitoring.DISABLE, returned for functions not chosen."},
#endif
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "sonde_trace", "Sonde's native tracer (docs/trace.md).", -1, module_methods,
};

PyMODINIT_FUNC PyInit_sonde_trace(void)
{
    if (PyType_Ready(&LineRecordType) < 0 || PyType_Ready(&LineTracerType) < 0 || PyType_Ready(&RouteType) < 0) return NULL;
    PyObject *module = PyModule_Create(&module_definition);
    if (module == NULL) return NULL;
    Py_INCREF(&LineTracerType);
    Py_INCREF(&RouteType);
    Py_INCREF(&LineRecordType);
    if (PyModule_AddObject(module, "LineTracer", (PyObject *)&LineTracerType) < 0
        || PyModule_AddObject(module, "Route", (PyObject *)&RouteType) < 0
        || PyModule_AddObject(module, "LineRecord", (PyObject *)&LineRecordType) < 0
        || PyModule_AddIntConstant(module, "CLOCK_WALL", CLOCK_WALL) < 0
        || PyModule_AddIntConstant(module, "CLOCK_CPU", CLOCK_CPU) < 0
        || PyModule_AddIntConstant(module, "CLOCK_CALLABLE", CLOCK_CALLABLE) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
