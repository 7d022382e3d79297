/* ir/ir.h: the wsecc dataflow IR.
 *
 * A module is an SSA dataflow graph: every op defines at most one value (the
 * value *is* the op), ops are kept in a topological order, and an op's
 * operands are earlier ops. The same structure carries the mapping state the
 * passes add:
 *
 *   stage    what is filled in
 *   parsed   ops with kinds, operands, declared types of inputs/params
 *   infer    every op typed (dtype, shape); canonical op order
 *   place    every computing op / input has a core rectangle (IrOp.place)
 *   route    nets (IrNet): source core, destination cores, box, color, tree
 *   lower    per-core programs (IrCore): buffers, DSRs, tasks, code
 *   alloc    SRAM addresses of code and buffers; limits checked
 *
 * The textual form (ir/print.c, ir/parse.c; docs/ir.md) round-trips: print ->
 * parse -> print is byte-identical at every stage, so any pass can be run
 * from the middle of the pipeline on a .wir file.
 */
#ifndef WSEC_IR_H
#define WSEC_IR_H
#include <stdbool.h>
#include <stdint.h>
#include "backend/isa.h"
#include "common/util.h"

#define IR_MAXRANK 6 /* a value's rank; a DSR walks at most 4 dims (lower merges the rest) */

typedef enum { DT_F32 = 0, DT_F16 = 1, DT_BF16 = 2 } DType;   /* same values as WDtype */
const char *ir_dtype_name(DType t);               /* "f32", "f16", "bf16" */
int ir_dtype_size(DType t);                        /* 4, 2, 2 */
bool ir_dtype_parse(const char *name, DType *t);   /* false if not a dtype name */
float ir_round(DType t, float f);                  /* an f32 value stored as t and read back */

typedef struct Shape { int rank; int64_t d[IR_MAXRANK]; } Shape;
int64_t shape_count(const Shape *s);
bool shape_eq(const Shape *a, const Shape *b);
/* "[16, 64]" into out; returns out. */
char *shape_str(const Shape *s, char *out, size_t n);

/* A box of indices: [lo[k], lo[k]+n[k]) along each of `rank` axes (rank is
 * the owning value's rank). */
typedef struct Box { int64_t lo[IR_MAXRANK], n[IR_MAXRANK]; } Box;
int64_t box_count(const Box *b, int rank);
bool box_intersect(const Box *a, const Box *b, int rank, Box *out); /* false if empty */
bool box_eq(const Box *a, const Box *b, int rank);
Box box_union(const Box *a, const Box *b, int rank);             /* the bounding box of both */

/* A source location; file == NULL means "no location". Columns are 1-based;
 * [col, end_col) is the highlighted range on `line`. */
typedef struct SrcLoc { const char *file; int line, col, end_col; } SrcLoc;

/* The op table: the single source of truth for every IR op. From it derive
 * the IR's text form (print, parse), the WDL functions the frontend knows
 * (frontend/build.c: the name, the argument count, the "did you mean" and
 * "WDL has ..." lists), typing (ir/type.c: by typing class), the reference
 * evaluator and the lowering of elementwise ops (the ISA opcode, whose
 * arithmetic isa_alu defines once for the evaluator and the simulator), and
 * `wsecc --list-ops`, which a lit test compares with docs/ir.md.
 *
 * A new elementwise op on an existing instruction is one row here (plus its
 * test): WDL spelling, 1 or 2 operands, class TY_UNARY or TY_BINARY, the
 * ISA opcode.
 *
 *  X(ENUM, "IR name", nargs, typing class, ISA opcode of an elementwise op
 *    (or -1), "WDL spelling" (a function name, an operator in quotes, or
 *    "" when WDL has no spelling of its own), doc) */
#define IR_OPS(X) \
  X(INPUT,  "input",  0, TY_LEAF,   -1,         "",        "interface input; the host writes it into its cores") \
  X(PARAM,  "param",  0, TY_LEAF,   -1,         "",        "parameter with an initialiser; never placed: its slices are preloaded where used") \
  X(CONST,  "const",  0, TY_LEAF,   -1,         "",        "a scalar literal (rank 0), typed by the operand it meets; preloaded like a param") \
  X(ADD,    "add",    2, TY_BINARY, OP_FADD,    "'+'",     "elementwise a + b with NumPy broadcasting") \
  X(SUB,    "sub",    2, TY_BINARY, OP_FSUB,    "'-'",     "elementwise a - b with NumPy broadcasting") \
  X(MUL,    "mul",    2, TY_BINARY, OP_FMUL,    "'*'",     "elementwise a * b with NumPy broadcasting") \
  X(DIV,    "div",    2, TY_BINARY, OP_FDIV,    "'/'",     "elementwise a / b with NumPy broadcasting") \
  X(MAX,    "max",    2, TY_BINARY, OP_FMAX,    "max",     "elementwise max(a, b) with NumPy broadcasting") \
  X(MIN,    "min",    2, TY_BINARY, OP_FMIN,    "min",     "elementwise min(a, b) with NumPy broadcasting") \
  X(NEG,    "neg",    1, TY_UNARY,  OP_FNEG,    "'-'",     "elementwise -a") \
  X(RELU,   "relu",   1, TY_UNARY,  OP_FRELU,   "relu",    "elementwise max(a, 0)") \
  X(ABS,    "abs",    1, TY_UNARY,  OP_FABS,    "abs",     "elementwise |a|") \
  X(EXP,    "exp",    1, TY_UNARY,  OP_FEXP,    "exp",     "elementwise e^a") \
  X(LOG,    "log",    1, TY_UNARY,  OP_FLOG,    "log",     "elementwise natural logarithm") \
  X(SQRT,   "sqrt",   1, TY_UNARY,  OP_FSQRT,   "sqrt",    "elementwise square root") \
  X(RSQRT,  "rsqrt",  1, TY_UNARY,  OP_FRSQRT,  "rsqrt",   "elementwise 1 / sqrt(a)") \
  X(TANH,   "tanh",   1, TY_UNARY,  OP_FTANH,   "tanh",    "elementwise tanh") \
  X(SIGMOID,"sigmoid",1, TY_UNARY,  OP_FSIGM,   "sigmoid", "elementwise 1 / (1 + e^-a)") \
  X(GELU,   "gelu",   1, TY_UNARY,  OP_FGELU,   "gelu",    "elementwise GELU, tanh approximation") \
  X(CAST,   "cast",   1, TY_CAST,   OP_FMOV,    "cast",    "convert to the op's dtype (round to nearest even)") \
  X(SUM,    "sum",    1, TY_REDUCE, -1,         "sum",     "sum along one axis (f32 accumulation; over the fabric when the axis is split)") \
  X(MEAN,   "mean",   1, TY_REDUCE, -1,         "mean",    "mean along one axis: the sum divided by the axis length") \
  X(RMAX,   "rmax",   1, TY_REDUCE, -1,         "max",     "maximum along one axis (WDL: max(a, axis=k))") \
  X(TRANSPOSE, "transpose", 1, TY_TRANSPOSE, -1, "transpose", "permute the axes: out[i0..] = a[j] with j[perm[k]] = i[k] (2-D: perm [1, 0])") \
  X(SLICE,  "slice",  1, TY_SLICE,  -1,         "slice",   "a[start:end] along one axis") \
  X(CONCAT, "concat", 2, TY_CONCAT, -1,         "concat",  "a and b joined along one axis (WDL: a list of parts, joined as a balanced tree)") \
  X(RESHAPE,"reshape",1, TY_RESHAPE,-1,         "reshape", "the same elements in C order, in the op's shape") \
  X(MATMUL, "matmul", 2, TY_MATMUL, -1,         "'@'",     "matrix product a[..,M,K] @ b[..,K,N], batch axes broadcast") \
  X(OUTPUT, "output", 1, TY_OUTPUT, -1,         "",        "interface output: names its operand's value")

/* Typing classes (ir/type.c): how an op's type follows from its operands. */
#define IR_TYPE_CLASSES(X) \
  X(LEAF,      "leaf",      "declared (input, param) or taken from the operand a literal meets (const)") \
  X(UNARY,     "unary",     "the operand's dtype and shape") \
  X(BINARY,    "binary",    "equal dtypes; NumPy broadcasting of the shapes") \
  X(CAST,      "cast",      "the operand's shape, the dtype named in the source") \
  X(REDUCE,    "reduce",    "one axis removed (or kept as 1 with keepdims)") \
  X(TRANSPOSE, "transpose", "the operand's axes permuted") \
  X(SLICE,     "slice",     "one axis cut to [start, end)") \
  X(CONCAT,    "concat",    "equal dtypes and shapes but along the axis, where the sizes add") \
  X(RESHAPE,   "reshape",   "the declared shape, with as many elements as the operand") \
  X(MATMUL,    "matmul",    "[.., M, K] @ [.., K, N] -> [.., M, N], batch axes broadcast") \
  X(OUTPUT,    "output",    "the operand's dtype and shape")
typedef enum {
#define X(e, s, d) TY_##e,
  IR_TYPE_CLASSES(X)
#undef X
} IrTypeClass;
extern const char *const ir_type_class_names[];

typedef enum {
#define X(e, s, n, c, i, w, d) IR_##e,
  IR_OPS(X)
#undef X
  IR__COUNT
} IrOpKind;
typedef struct IrOpInfo {
  const char *name;       /* the IR's spelling */
  int nargs;
  IrTypeClass ty;
  int isa;                /* ISA opcode of an elementwise op, or -1 */
  const char *wdl;        /* WDL's spelling: a function name, 'op', or "" */
  const char *doc;
} IrOpInfo;
extern const IrOpInfo ir_ops[IR__COUNT];
/* The op WDL calls NAME(...) with nargs positional tensor arguments (1 or
 * 2, a cast's dtype not counted) among the elementwise rows, or -1. */
int ir_op_wdl_function(const char *name);

typedef enum { INIT_NONE, INIT_LOAD, INIT_ZEROS, INIT_ONES, INIT_FULL, INIT_RANDN } InitKind;

typedef struct Rect { int x, y, w, h; } Rect;

typedef struct IrOp {
  int idx;                 /* position in module->ops */
  IrOpKind kind;
  const char *name;        /* SSA name without '%' (unique); OUTPUT: the output's name */
  bool typed;              /* dt/shape valid (always for INPUT/PARAM) */
  DType dt;
  Shape shape;
  int nargs;
  struct IrOp *arg[2];
  SrcLoc loc;              /* the expression / declaration in the source */
  /* PARAM initialiser; CONST: init == INIT_FULL and fill is the literal */
  InitKind init;
  const char *path;        /* INIT_LOAD: path, absolute or relative to the cwd */
  double fill;             /* INIT_FULL */
  uint64_t seed;           /* INIT_RANDN */
  double std;              /* INIT_RANDN */
  double sparsity;         /* INIT_RANDN: the probability of a zero (0: none) */
  /* SUM / MEAN / RMAX: the reduced axis of the operand (0-based);
   * SLICE: the sliced axis and [start, end); CONCAT: the joined axis */
  int axis;
  bool keepdims;
  int64_t start, end;
  /* TRANSPOSE: output axis k is operand axis perm[k] */
  int8_t perm[IR_MAXRANK];
  /* placement (stage >= place); INPUT and computing ops only */
  bool placed;
  Rect place;              /* absolute core rectangle: x, y, w (cores along x), h */
  int64_t tile[IR_MAXRANK];/* largest per-core tile of the value (rank = shape.rank) */
  int64_t ktile;           /* MATMUL: largest K chunk per core row (streamed: per core column); 0 otherwise */
  /* MATMUL, --exec=stream (place decides): the weights (operand 1, known
   * at compile time) stream in from MemoryX instead of being preloaded;
   * docs/mapping.md, "Weight streaming" */
  bool stream;
  /* MATMUL, not streamed, outside the resident layout (place decides,
   * passes/mapping.c: map_host_rhs): its right operand is an input (or a
   * view of one) that the host writes straight into the matmul's cores,
   * each core's box as a preloaded weight's: no net brings it. Printed
   * 'host_rhs' after the tile. */
  bool host_rhs;
  /* (place decides) the op on whose cores this op's value lives:
   *  INPUT: its only user, a reshape or a transpose (either mode;
   *         ir_host_written) or, in --exec=stream, a streamed matmul; the
   *         host writes the input straight into that op's cores (the
   *         activations are where they are used), permuted for a
   *         transpose; the input is not placed;
   *  elementwise (--exec=stream): a streamed matmul; computed in place
   *         on the matmul's cores, after it, on
   *         the value of the matmul or of the op fused before it (its only
   *         user) and a preloaded operand (a bias); placed on the
   *         matmul's rectangle, it has no cores of its own */
  struct IrOp *host;
} IrOp;

typedef struct IrCoord { int x, y; } IrCoord;
/* One router of a net's tree: wavelets arrive on in_port and leave on every
 * port of out_mask (bit PORT_x). The source core's hop has in_port PORT_R;
 * a destination core's hop has PORT_R in out_mask. */
typedef struct IrHop { int x, y; uint8_t in_port, out_mask; } IrHop;

typedef enum { NET_OPERAND = 0, NET_PSUM = 1, NET_INGRESS = 2 } IrNetKind;
/* A destination of a net: core (x, y), which runs `op` and needs the
 * stream for its operand `argi` (PSUM: op is the matmul, argi 0). */
typedef struct IrDest { int x, y; IrOp *op; int argi; } IrDest;
/* A net: one stream of wavelets from one source core to one or more
 * destination cores over a static route on one color.
 *  OPERAND: the box `box` of value `src` (held by the source core) goes to
 *           every destination core; the destinations may belong to several
 *           ops (a value with several users is multicast once).
 *  PSUM:    matmul `src`'s partial sums (f32) for output box `box` from one
 *           core of its rectangle to the next one down its column (of a
 *           streamed matmul: to the neighbour east or west in its row).
 *  INGRESS: a streamed matmul's weights for one column of its rectangle,
 *           from MemoryX: `from` is the router on the grid's north edge
 *           (y = 0) whose route takes them in from the north, off the
 *           wafer; box is the column's K chunk of the weights x all N. */
typedef struct IrNet {
  int id;
  IrNetKind kind;
  IrOp *src;
  IrCoord from;
  int ndst;
  IrDest *to;              /* sorted by (y, x) */
  Box box;                 /* in src's index space (PSUM: dst's) */
  DType dt;                /* wavelet payload type (PSUM: f32) */
  int color;               /* -1 until routed */
  int nhop;
  IrHop *hop;              /* sorted by (y, x) */
} IrNet;

/* Buffer kinds: X(ENUM, "name" in the text form, what it holds - alloc's
 * SRAM-overflow error names the largest kind by this). */
#define IR_BUF_KINDS(X) \
  X(TILE,    "tile",    "its part of the result") \
  X(OPERAND, "operand", "the parts of its operands it needs") \
  X(PARAM,   "param",   "preloaded weights") \
  X(ACC,     "acc",     "f32 partial sums") \
  X(STAGE,   "stage",   "whole tiles of a producer staged for a part of each") \
  X(WORDS,   "words",   "the per-core constants of a program shared by several cores") \
  X(INPUT,   "input",   "the parts of an input the host writes for it (a matmul's right operand)")
typedef enum {
#define X(e, s, d) BUF_##e,
  IR_BUF_KINDS(X)
#undef X
  BUF__COUNT
} IrBufKind;
extern const char *const ir_buf_kind_names[BUF__COUNT];
extern const char *const ir_buf_kind_docs[BUF__COUNT];
/* A buffer in a core's SRAM, dense C order.
 *  TILE:    the core's tile of its op's value (box `box` of `val` == core op)
 *  OPERAND: box `box` of value `val` received over the fabric (or copied)
 *  PARAM:   box `box` of param `val`, preloaded from the image
 *  ACC:     f32 scratch (matmul partial sums); val/box describe the region
 *  STAGE:   a received box of value `val` larger than the core needs; the
 *           needed part is copied out into an OPERAND buffer
 *  WORDS:   the resident layout's per-core constants (`words`), which the
 *           program loads with LD so that cores whose roles differ can run
 *           one program (val: the region's first op; box: [0:1, 0:elems]) */
typedef struct IrBuf {
  IrBufKind kind;
  IrOp *val;
  Box box;
  DType dt;
  int64_t elems;
  int64_t addr;            /* byte address, -1 until alloc (resident: lower sets it
                              relative to the data area, alloc adds the base) */
  /* resident layout (IrModule.resident): the buffer is live from the segment
   * of op live_from to that of op live_to (op indices; INT_MAX: to the
   * end), and buffers whose lives do not meet may share bytes; -1 and -1
   * otherwise */
  int live_from, live_to;
  const uint32_t *words;   /* WORDS: elems 32-bit words, written with the image */
} IrBuf;

/* A DSR descriptor before encoding. MEM: buffer `buf` + element offset `off`,
 * dims/strides in elements. FABIN/FABOUT: color + length dim[0]. */
typedef struct IrDsr {
  DsrKind kind;
  DType dt;
  int color;
  int buf;
  int64_t off;
  int ndim;
  int64_t dim[4], stride[4];
} IrDsr;

typedef struct IrTask { int kind; int color; int pc; } IrTask;  /* kind: TASK_* of wimg.h */

typedef struct IrCore {
  int x, y;                /* absolute */
  IrOp *op;                /* the op (or input) this core computes/holds */
  int nbuf;  IrBuf *buf;
  int ndsr;  IrDsr *dsr;
  int ntask; IrTask *task;
  int ninsn; Insn *insn;
  int64_t code_bytes;      /* alloc: 8 * ninsn rounded up to 16 */
  int64_t data_end;        /* alloc: first free byte after the last buffer */
} IrCore;

typedef enum { STAGE_PARSED = 0, STAGE_INFER, STAGE_FUSE, STAGE_SPLIT, STAGE_PLACE, STAGE_ROUTE, STAGE_LOWER, STAGE_ALLOC } IrStage;
const char *ir_stage_name(IrStage s);     /* "parsed", "infer", ... */

typedef struct IrModule {
  Arena arena;             /* names, strings, hop/dst arrays, core arrays */
  const char *name;
  const char *target;      /* target name or .xml path ("wse2" by default) */
  int grid_w, grid_h;      /* --grid limit; 0 = the whole target */
  bool exec_stream;        /* --exec=stream: place streams eligible matmuls' weights */
  /* --exec=stream, place decides: every op runs on one region, one after
   * another, its activations resident (passes/mapping.h, map_resident_box;
   * docs/mapping.md, "The resident layout") */
  bool resident;
  IrStage stage;
  int nops;  IrOp **ops;   /* heap array; ops allocated in the arena */
  int nnets; IrNet **nets;
  int ncores; IrCore **cores; /* sorted by (y, x) */
  struct IrWirPos *wir;    /* read from a .wir: where its parts are in the file (ir/wirpos.h) */
} IrModule;

IrModule *ir_new(const char *name);
void ir_free(IrModule *m);
IrOp *ir_add_op(IrModule *m, IrOpKind k, const char *name); /* appended; name copied */
/* A new op with a temporary (all-digit) name, operands a (and b) and
 * source location loc, appended; passes that add ops use it and then
 * restore the canonical order (pass_order renames temporaries). */
IrOp *ir_add_temp(IrModule *m, IrOpKind k, IrOp *a, IrOp *b, SrcLoc loc);
/* parts[0 .. n) joined along `axis` by a balanced tree of typed binary
 * concats (n >= 1; one part is returned as it is); `into` (if given) is
 * made the root, so its users and name stay. */
IrOp *ir_concat_tree(IrModule *m, IrOp *const *parts, int n, int axis, IrOp *into, SrcLoc loc);
IrNet *ir_add_net(IrModule *m);
IrCore *ir_add_core(IrModule *m, int x, int y);  /* appended; caller keeps (y,x) order */
IrOp *ir_find_op(IrModule *m, const char *name);
/* PARAM and CONST, views of them and concats of them (passes/fuse.c):
 * values known at compile time, preloaded where used. */
/* SLICE and TRANSPOSE can be views: place leaves them unplaced and their
 * users read the source's cores directly (passes/mapping.h). */
static inline bool ir_is_view_kind(const IrOp *op) { return op->kind == IR_SLICE || op->kind == IR_TRANSPOSE; }
static inline bool ir_is_preloaded(const IrOp *op) {
  while (ir_is_view_kind(op)) op = op->arg[0];
  if (op->kind == IR_CONCAT) return ir_is_preloaded(op->arg[0]) && ir_is_preloaded(op->arg[1]); /* fused weights */
  return op->kind == IR_PARAM || op->kind == IR_CONST;
}
/* A reshape or transpose whose operand, an input, the host writes straight
 * into its tiles (IrOp.host): it receives and moves nothing. */
static inline bool ir_host_written(const IrOp *op) {
  return (op->kind == IR_RESHAPE || op->kind == IR_TRANSPOSE) && op->arg[0]->kind == IR_INPUT && op->arg[0]->host == op;
}
/* An input every use of which, through views, is the right operand of a
 * host_rhs matmul: it has no cores of its own (ir.c). */
bool ir_input_rhs_only(const IrModule *m, const IrOp *v);
/* The op whose cores hold op's value: its host (ir.h IrOp.host) or itself. */
static inline const struct IrOp *ir_cores_of(const struct IrOp *op) { return op->host ? op->host : op; }
/* An elementwise op (one ISA tensor instruction per tile). */
static inline bool ir_is_elementwise(const IrOp *op) { return ir_ops[op->kind].isa >= 0; }
static inline bool ir_is_reduction(const IrOp *op) {
  return op->kind == IR_SUM || op->kind == IR_MEAN || op->kind == IR_RMAX;
}
void ir_renumber(IrModule *m);                   /* set op->idx from array order */

/* Type one op from its typed operands (ir/type.c, by the op table's typing
 * class); reports a diagnostic and returns false on a type error. */
bool ir_type_op(IrOp *op);

/* Text form. ir_print appends the module to b. ir_parse parses text (file
 * name used for diagnostics); on error it reports diagnostics (ir/diag.h)
 * and returns NULL. */
void ir_print(const IrModule *m, Buf *b);
IrModule *ir_parse(const char *file, const char *text);

/* Structural checks for the module's stage; on failure dies with
 * "internal error: IR verifier: after PASS: ..." (a pass bug). */
void ir_verify(const IrModule *m, const char *after_pass);

/* The param's values, widened to float (f16 params rounded to f16), C order,
 * heap-allocated. On a load error reports a diagnostic at the op and returns
 * NULL. */
float *ir_param_data(const IrOp *p);
/* Draw the values of the module's large randn() params on a second thread
 * while the passes run (ir_param_data then takes them; same values).
 * ir_param_prefetch_end stops the thread and frees what was not taken. */
void ir_param_prefetch(const IrModule *m);
void ir_param_prefetch_end(void);
/* The values of a value known at compile time (ir_is_preloaded: a param, a
 * const, or views and concats of them), C order, heap-allocated; NULL after
 * a diagnostic. */
float *ir_known_values(const IrOp *op);

/* Reference evaluator (ir/eval.c): evaluate a typed module on the host with
 * the documented arithmetic (docs/isa.md), independent of mapping.
 * inputs[i]/outputs[i] are parallel to the module's INPUT/OUTPUT ops in
 * module order; returns 0 or -1 after reporting a diagnostic. */
int ir_eval(const IrModule *m, float **const inputs, float **outputs);
/* TRANSPOSE / SLICE / CONCAT on the host: a new array with op's value,
 * gathered from a (operand 0) and b (operand 1, CONCAT only). */
float *ir_gather(const IrOp *op, const float *a, const float *b);

#endif
