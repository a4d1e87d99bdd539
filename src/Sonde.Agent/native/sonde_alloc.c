/*
 * sonde_alloc: the native engine of `sonde mem` (docs/memory.md, "The native engine").
 *
 * Wraps CPython's MEM and OBJ allocator domains (PyMem_SetAllocator) and samples allocations by bytes: a
 * countdown drawn from an exponential distribution of mean `sample_bytes` is decreased by every allocation's
 * size, and the allocation that takes it to zero or below is recorded with its Python stack, weighted by the
 * inverse of its chance to be picked. Allocations of at least `sample_bytes` are always recorded, at their
 * own size. Frees look the pointer up in a small open-addressing set of the sampled blocks still live.
 *
 * Compiled once per CPython minor version against that version's headers, loaded by the agent with
 * ctypes.PyDLL. Every entry point and every hook runs with the GIL held (the MEM and OBJ domains require it),
 * which is what serialises the state below: no locks, and one countdown for the process, which samples the
 * interleaved stream of all threads' allocations exactly as per-thread countdowns would.
 */
#define PY_SSIZE_T_CLEAN
/* For the interpreter's frame structures from 3.11 (internal/pycore_frame.h), as tracemalloc reads them. */
#define Py_BUILD_CORE 1
#include <Python.h>

#if PY_VERSION_HEX < 0x03080000 || PY_VERSION_HEX >= 0x030E0000
#error "sonde_alloc supports CPython 3.8 to 3.13"
#endif
#ifdef Py_GIL_DISABLED
#error "sonde_alloc relies on the GIL"
#endif

#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h>
#else
#include <internal/pycore_frame.h>
#endif

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DEPTH 1000
/* Stacks are interned; past this many, new ones are charged to the empty stack (id 0). */
#define MAX_STACKS (1u << 20)
/* Counts are kept in fixed point so that what a free subtracts is exactly what its allocation added. */
#define COUNT_ONE 65536.0

typedef struct {
    PyObject *code;
    int line;
} Frame;

typedef struct {
    uint64_t hash;
    uint32_t first; /* index into g_frames */
    uint32_t depth;
    int64_t alloc_bytes, alloc_count; /* every sampled allocation, estimated; count in COUNT_ONE units */
    int64_t live_bytes, live_count;   /* sampled blocks not yet freed */
    int64_t peak_bytes, peak_count;   /* live at the last peak snapshot */
    int dirty;
} Stack;

typedef struct {
    void *pointer;
    uint32_t stack;
    int64_t bytes, count;
} LiveBlock;

/* ---- state (guarded by the GIL) ------------------------------------------------------------------------- */

static PyMemAllocatorEx g_original_mem, g_original_obj;
static int g_installed;
static int g_enabled;
/* Allocations of this many bytes or more are always recorded; SIZE_MAX, with the countdown at INT64_MAX, while
   stopped, so the inline path never leaves for record(). Integers, so that path does no conversion. */
static size_t g_threshold = SIZE_MAX;
static int g_busy; /* re-entrancy guard: the hook's own work (stack capture may allocate) is never sampled */
static int g_depth = 16;
static double g_sample_bytes = 512 * 1024;
static int64_t g_countdown = INT64_MAX;
static uint64_t g_random = 0x9E3779B97F4A7C15ull;

static Stack *g_stacks;
static uint32_t g_stack_count, g_stack_capacity;
static uint32_t *g_stack_index; /* open addressing: stack id + 1, 0 empty */
static uint32_t g_stack_index_mask;
static Frame *g_frames;
static uint32_t g_frame_count, g_frame_capacity;

static void **g_live_keys; /* open addressing, linear probing, deletion by backward shift */
static LiveBlock *g_live;
static uint32_t g_live_mask, g_live_size;

static int64_t g_live_total, g_peak_total, g_peak_snapshot_total;
static int64_t g_peak_snapshot_ns;
static int64_t g_peak_snapshots;
static int g_peak_changed;
static int64_t g_sampled, g_own_bytes;
static Frame g_capture[MAX_DEPTH];

/* ---- helpers -------------------------------------------------------------------------------------------- */

static uint64_t next_random(void)
{
    /* xorshift64*: cheap, and only drawn on the sampled path. */
    g_random ^= g_random >> 12;
    g_random ^= g_random << 25;
    g_random ^= g_random >> 27;
    return g_random * 0x2545F4914F6CDD1Dull;
}

static int64_t draw_countdown(void)
{
    double uniform = ((double)(next_random() >> 11) + 0.5) / 9007199254740992.0;
    int64_t next = (int64_t)(-log(uniform) * g_sample_bytes);
    return next > 0 ? next : 1;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline uint64_t hash_pointer(const void *pointer)
{
    uint64_t value = (uint64_t)(uintptr_t)pointer;
    return (value >> 4) * 0x9E3779B97F4A7C15ull;
}

static inline uint32_t live_slot(const void *pointer)
{
    return (uint32_t)(hash_pointer(pointer) >> 32) & g_live_mask;
}

static void *grow(void *array, uint32_t *capacity, size_t item, uint32_t needed)
{
    uint32_t next = *capacity ? *capacity : 256;
    while (next < needed) next *= 2;
    void *bigger = realloc(array, next * item);
    if (bigger == NULL) return NULL;
    g_own_bytes += (int64_t)(next - *capacity) * (int64_t)item;
    *capacity = next;
    return bigger;
}

/* ---- the live set --------------------------------------------------------------------------------------- */

static int live_resize(uint32_t slots)
{
    void **keys = calloc(slots, sizeof(void *));
    LiveBlock *values = calloc(slots, sizeof(LiveBlock));
    if (keys == NULL || values == NULL) {
        free(keys);
        free(values);
        return -1;
    }
    uint32_t mask = slots - 1;
    for (uint32_t i = 0; g_live_keys != NULL && i <= g_live_mask; i++) {
        if (g_live_keys[i] == NULL) continue;
        uint32_t at = (uint32_t)(hash_pointer(g_live_keys[i]) >> 32) & mask;
        while (keys[at] != NULL) at = (at + 1) & mask;
        keys[at] = g_live_keys[i];
        values[at] = g_live[i];
    }
    if (g_live_keys != NULL) g_own_bytes -= (int64_t)(g_live_mask + 1) * (int64_t)(sizeof(void *) + sizeof(LiveBlock));
    g_own_bytes += (int64_t)slots * (int64_t)(sizeof(void *) + sizeof(LiveBlock));
    free(g_live_keys);
    free(g_live);
    g_live_keys = keys;
    g_live = values;
    g_live_mask = mask;
    return 0;
}

static void live_insert(void *pointer, uint32_t stack, int64_t bytes, int64_t count)
{
    /* At most a quarter full, so that most frees, which miss, stop at the first slot they look at. */
    if ((g_live_size + 1) * 4 > g_live_mask + 1 && live_resize((g_live_mask + 1) * 2) != 0) return;
    uint32_t at = (uint32_t)(hash_pointer(pointer) >> 32) & g_live_mask;
    while (g_live_keys[at] != NULL) {
        if (g_live_keys[at] == pointer) break;
        at = (at + 1) & g_live_mask;
    }
    if (g_live_keys[at] == NULL) g_live_size++;
    g_live_keys[at] = pointer;
    g_live[at] = (LiveBlock){pointer, stack, bytes, count};
    Stack *s = &g_stacks[stack];
    s->live_bytes += bytes;
    s->live_count += count;
    s->dirty = 1;
    g_live_total += bytes;
}

/* Forgets a sampled block whose probe run starts at `at`, if the pointer is in it. */
static void __attribute__((noinline)) live_remove_from(void *pointer, uint32_t at)
{
    uint32_t mask = g_live_mask;
    for (;;) {
        void *key = g_live_keys[at];
        if (key == NULL) return;
        if (key == pointer) break;
        at = (at + 1) & mask;
    }
    LiveBlock *block = &g_live[at];
    Stack *s = &g_stacks[block->stack];
    s->live_bytes -= block->bytes;
    s->live_count -= block->count;
    s->dirty = 1;
    g_live_total -= block->bytes;
    g_live_size--;
    /* Backward shift: pull later entries of the same probe run into the hole, so no tombstones are needed. */
    uint32_t hole = at;
    uint32_t next = (hole + 1) & mask;
    while (g_live_keys[next] != NULL) {
        uint32_t home = (uint32_t)(hash_pointer(g_live_keys[next]) >> 32) & mask;
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            g_live_keys[hole] = g_live_keys[next];
            g_live[hole] = g_live[next];
            hole = next;
        }
        next = (next + 1) & mask;
    }
    g_live_keys[hole] = NULL;
}

/* Called on every free and realloc, so the miss, nearly every call, must be cheap: one hash and one load. */
static inline __attribute__((always_inline)) void live_remove(void *pointer)
{
    if (g_live_size == 0 || pointer == NULL) return;
    uint32_t at = live_slot(pointer);
    if (g_live_keys[at] != NULL) live_remove_from(pointer, at);
}

/* ---- stacks --------------------------------------------------------------------------------------------- */

static int capture_stack(void)
{
    int depth = 0;
    /* Unchecked: an allocation made while no thread state is current (finalisation) gets the empty stack
       rather than a crash. */
    PyThreadState *tstate = _PyThreadState_UncheckedGet();
    if (tstate == NULL) return 0;
#if PY_VERSION_HEX < 0x030B0000
    PyFrameObject *frame = tstate->frame;
    while (frame != NULL && depth < g_depth) {
        g_capture[depth].code = (PyObject *)frame->f_code;
        g_capture[depth].line = PyFrame_GetLineNumber(frame);
        depth++;
        frame = frame->f_back;
    }
#else
    /* The interpreter's own frames, read as tracemalloc reads them: PyEval_GetFrame would create frame objects,
       which allocate and, on 3.11, could start a garbage collection inside the allocator. */
#if PY_VERSION_HEX < 0x030D0000
    _PyInterpreterFrame *frame = tstate->cframe->current_frame;
#else
    _PyInterpreterFrame *frame = tstate->current_frame;
#endif
    while (frame != NULL && depth < g_depth) {
#if PY_VERSION_HEX >= 0x030D0000
        if (frame->f_executable == NULL || !PyCode_Check(frame->f_executable)) {
            frame = frame->previous;
            continue;
        }
#elif PY_VERSION_HEX >= 0x030C0000
        if (frame->owner == FRAME_OWNED_BY_CSTACK) {
            frame = frame->previous;
            continue;
        }
#endif
        if (_PyFrame_IsIncomplete(frame)) {
            frame = frame->previous;
            continue;
        }
#if PY_VERSION_HEX >= 0x030D0000
        PyCodeObject *code = _PyFrame_GetCode(frame);
#else
        PyCodeObject *code = frame->f_code;
#endif
        g_capture[depth].code = (PyObject *)code;
        g_capture[depth].line = PyCode_Addr2Line(code, _PyInterpreterFrame_LASTI(frame) * (int)sizeof(_Py_CODEUNIT));
        depth++;
        frame = frame->previous;
    }
#endif
    return depth;
}

static uint64_t hash_frames(const Frame *frames, int depth)
{
    uint64_t hash = 1469598103934665603ull ^ (uint64_t)depth;
    for (int i = 0; i < depth; i++) {
        hash = (hash ^ (uint64_t)(uintptr_t)frames[i].code) * 1099511628211ull;
        hash = (hash ^ (uint64_t)(uint32_t)frames[i].line) * 1099511628211ull;
    }
    return hash;
}

static int index_resize(uint32_t slots)
{
    uint32_t *index = calloc(slots, sizeof(uint32_t));
    if (index == NULL) return -1;
    uint32_t mask = slots - 1;
    for (uint32_t id = 0; id < g_stack_count; id++) {
        uint32_t at = (uint32_t)g_stacks[id].hash & mask;
        while (index[at] != 0) at = (at + 1) & mask;
        index[at] = id + 1;
    }
    if (g_stack_index != NULL) g_own_bytes -= (int64_t)(g_stack_index_mask + 1) * 4;
    g_own_bytes += (int64_t)slots * 4;
    free(g_stack_index);
    g_stack_index = index;
    g_stack_index_mask = mask;
    return 0;
}

/* The id of a captured stack, interned on first sight; its code objects are kept alive from then on, so an id
   never names a code object that was freed and whose address was reused. */
static uint32_t intern_stack(const Frame *frames, int depth)
{
    uint64_t hash = hash_frames(frames, depth);
    uint32_t at = (uint32_t)hash & g_stack_index_mask;
    for (uint32_t id; (id = g_stack_index[at]) != 0; at = (at + 1) & g_stack_index_mask) {
        Stack *s = &g_stacks[id - 1];
        if (s->hash == hash && s->depth == (uint32_t)depth &&
            memcmp(&g_frames[s->first], frames, (size_t)depth * sizeof(Frame)) == 0)
            return id - 1;
    }
    if (g_stack_count >= MAX_STACKS) return 0;
    if ((g_stack_count + 1) * 2 > g_stack_index_mask + 1) {
        if (index_resize((g_stack_index_mask + 1) * 2) != 0) return 0;
        return intern_stack(frames, depth);
    }
    if (g_stack_count + 1 > g_stack_capacity) {
        Stack *bigger = grow(g_stacks, &g_stack_capacity, sizeof(Stack), g_stack_count + 1);
        if (bigger == NULL) return 0;
        g_stacks = bigger;
    }
    if (g_frame_count + (uint32_t)depth > g_frame_capacity) {
        Frame *bigger = grow(g_frames, &g_frame_capacity, sizeof(Frame), g_frame_count + (uint32_t)depth);
        if (bigger == NULL) return 0;
        g_frames = bigger;
    }
    for (int i = 0; i < depth; i++) Py_INCREF(frames[i].code);
    memcpy(&g_frames[g_frame_count], frames, (size_t)depth * sizeof(Frame));
    uint32_t id = g_stack_count++;
    g_stacks[id] = (Stack){.hash = hash, .first = g_frame_count, .depth = (uint32_t)depth};
    g_frame_count += (uint32_t)depth;
    g_stack_index[at] = id + 1;
    return id;
}

static void snapshot_peak(void)
{
    for (uint32_t id = 0; id < g_stack_count; id++) {
        g_stacks[id].peak_bytes = g_stacks[id].live_bytes;
        g_stacks[id].peak_count = g_stacks[id].live_count;
    }
    g_peak_snapshot_total = g_live_total;
    g_peak_snapshot_ns = now_ns();
    g_peak_snapshots++;
    g_peak_changed = 1;
}

/* ---- the hooks ------------------------------------------------------------------------------------------ */

static void __attribute__((noinline)) record(void *pointer, size_t size)
{
    if (!g_enabled) {
        g_countdown = INT64_MAX;
        return;
    }
    int large = size >= g_threshold;
    if (!large) g_countdown = draw_countdown();
    /* The hook's own allocations, and the agent's while it reads the tables, use up the countdown like any
       others, but are never recorded. */
    if (pointer == NULL || g_busy) return;
    double weight;
    if (size == 0) size = 1;
    if (large) {
        weight = (double)size;
    } else {
        /* Picked with probability 1 - exp(-size/mean): its weight is size over that (about the mean when small). */
        weight = (double)size / -expm1(-(double)size / g_sample_bytes);
    }
    g_busy = 1;
    int depth = capture_stack();
    uint32_t stack = intern_stack(g_capture, depth);
    int64_t bytes = (int64_t)llround(weight);
    int64_t count = (int64_t)llround(COUNT_ONE * weight / (double)(size ? size : 1));
    Stack *s = &g_stacks[stack];
    s->alloc_bytes += bytes;
    s->alloc_count += count;
    s->dirty = 1;
    g_sampled++;
    live_insert(pointer, stack, bytes, count);
    if (g_live_total > g_peak_total) {
        g_peak_total = g_live_total;
        /* A new peak snapshot once memory passes the last one's by 5% (and 64 KiB): at most one per 5% of
           growth, so their cost stays a bounded share of the allocations that made the growth. */
        if (g_live_total > g_peak_snapshot_total + g_peak_snapshot_total / 20 + 65536) snapshot_peak();
    }
    g_busy = 0;
}

/* Only an allocation that takes the countdown to zero, or a large one, leaves this inline path. */
static inline __attribute__((always_inline)) void after_alloc(void *pointer, size_t size)
{
    if (size >= g_threshold) {
        record(pointer, size);
        return;
    }
    g_countdown -= (int64_t)size;
    if (__builtin_expect(g_countdown <= 0, 0)) record(pointer, size);
}

static void *hook_malloc(void *context, size_t size)
{
    PyMemAllocatorEx *original = context;
    void *pointer = original->malloc(original->ctx, size);
    after_alloc(pointer, size);
    return pointer;
}

static void *hook_calloc(void *context, size_t count, size_t size)
{
    PyMemAllocatorEx *original = context;
    void *pointer = original->calloc(original->ctx, count, size);
    after_alloc(pointer, count * size);
    return pointer;
}

static void *hook_realloc(void *context, void *old, size_t size)
{
    PyMemAllocatorEx *original = context;
    void *pointer = original->realloc(original->ctx, old, size);
    if (pointer == NULL) return NULL; /* the old block is still there, and still sampled if it was */
    /* A move or a resize ends the old block and starts one of the new size, as tracemalloc counts it. */
    live_remove(old);
    after_alloc(pointer, size);
    return pointer;
}

static void hook_free(void *context, void *pointer)
{
    PyMemAllocatorEx *original = context;
    live_remove(pointer);
    original->free(original->ctx, pointer);
}

/* ---- entry points (ctypes.PyDLL: called with the GIL held) ---------------------------------------------- */

/* Installs the hooks once; later calls change the settings. Returns 0, or -1 when out of memory. */
int sonde_alloc_start(int depth, double sample_bytes)
{
    g_depth = depth < 1 ? 1 : depth > MAX_DEPTH ? MAX_DEPTH : depth;
    g_sample_bytes = sample_bytes >= 1 ? sample_bytes : 1;
    g_threshold = (size_t)ceil(g_sample_bytes);
    g_random ^= (uint64_t)now_ns() * 0xD1B54A32D192ED03ull;
    g_countdown = draw_countdown();
    if (!g_installed) {
        if (live_resize(1024) != 0 || index_resize(1024) != 0) return -1;
        /* Stack 0 is the empty stack: allocations with no Python frame, and any past MAX_STACKS. */
        intern_stack(NULL, 0);
        PyMemAllocatorEx hook = {NULL, hook_malloc, hook_calloc, hook_realloc, hook_free};
        PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &g_original_mem);
        PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &g_original_obj);
        hook.ctx = &g_original_mem;
        PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &hook);
        hook.ctx = &g_original_obj;
        PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &hook);
        g_installed = 1;
    }
    g_enabled = 1;
    return 0;
}

/* Stops sampling. The hooks stay installed (passing through): another hook, tracemalloc's say, may have wrapped
   them since, and only the last one installed could be removed safely. Frees still update the live set. */
void sonde_alloc_stop(void)
{
    g_enabled = 0;
    g_threshold = SIZE_MAX;
    g_countdown = INT64_MAX;
}

/* [live bytes, peak live bytes, bytes live at the last peak snapshot, its time (Unix ns), peak snapshots,
   sampled allocations, the engine's own bytes, interned stacks], all estimates but the last three. */
void sonde_alloc_counters(int64_t *out)
{
    out[0] = g_live_total;
    out[1] = g_peak_total;
    out[2] = g_peak_snapshot_total;
    out[3] = g_peak_snapshot_ns;
    out[4] = g_peak_snapshots;
    out[5] = g_sampled;
    out[6] = g_own_bytes;
    out[7] = g_stack_count;
}

/* Takes a peak snapshot now if memory is above the last one's (the agent asks when memory stops climbing near
   a new high, so a peak that is held is caught whatever the 5% steps). Returns 1 if it took one. */
int sonde_alloc_snapshot_peak(void)
{
    if (g_live_total <= g_peak_snapshot_total) return 0;
    snapshot_peak();
    return 1;
}

/* The frames of stacks first .. count-1, as a list of tuples of (code, line), innermost first. */
PyObject *sonde_alloc_stack_frames(unsigned int first)
{
    int busy = g_busy;
    g_busy = 1;
    PyObject *result = PyList_New(0);
    for (uint32_t id = first; result != NULL && id < g_stack_count; id++) {
        Stack *s = &g_stacks[id];
        PyObject *frames = PyTuple_New(s->depth);
        if (frames == NULL) {
            Py_CLEAR(result);
            break;
        }
        for (uint32_t i = 0; i < s->depth; i++) {
            Frame *f = &g_frames[s->first + i];
            PyObject *pair = Py_BuildValue("(Oi)", f->code, f->line);
            if (pair == NULL) {
                Py_CLEAR(frames);
                break;
            }
            PyTuple_SET_ITEM(frames, i, pair);
        }
        if (frames == NULL || PyList_Append(result, frames) != 0) Py_CLEAR(result);
        Py_XDECREF(frames);
    }
    g_busy = busy;
    return result;
}

/* (id, allocated bytes, allocated count, live bytes, live count) of every stack changed since the last call,
   or of every stack when `all` is set. Counts are rounded estimates. */
PyObject *sonde_alloc_changed(int all)
{
    int busy = g_busy;
    g_busy = 1;
    PyObject *result = PyList_New(0);
    for (uint32_t id = 0; result != NULL && id < g_stack_count; id++) {
        Stack *s = &g_stacks[id];
        if (!s->dirty && !all) continue;
        s->dirty = 0;
        PyObject *row = Py_BuildValue("(ILLLL)", id, (long long)s->alloc_bytes,
                                      (long long)llround(s->alloc_count / COUNT_ONE), (long long)s->live_bytes,
                                      (long long)llround(s->live_count / COUNT_ONE));
        if (row == NULL || PyList_Append(result, row) != 0) Py_CLEAR(result);
        Py_XDECREF(row);
    }
    g_busy = busy;
    return result;
}

/* (id, bytes, count) of every stack live at the last peak snapshot, or None when it hasn't changed since the
   last call. */
PyObject *sonde_alloc_peak(void)
{
    if (!g_peak_changed) Py_RETURN_NONE;
    int busy = g_busy;
    g_busy = 1;
    g_peak_changed = 0;
    PyObject *result = PyList_New(0);
    for (uint32_t id = 0; result != NULL && id < g_stack_count; id++) {
        Stack *s = &g_stacks[id];
        if (s->peak_bytes <= 0) continue;
        PyObject *row = Py_BuildValue("(ILL)", id, (long long)s->peak_bytes, (long long)llround(s->peak_count / COUNT_ONE));
        if (row == NULL || PyList_Append(result, row) != 0) Py_CLEAR(result);
        Py_XDECREF(row);
    }
    g_busy = busy;
    return result;
}
