# Evaluation of compiled formulas (filters, newvar). The TypeScript compiler turns the
# formula language into R code only from its syntax tree; this is the defence in depth
# behind it: the expression is checked to use only the language's functions, and is
# evaluated in an environment whose parent is emptyenv() and that holds only those
# functions and `.d`, so even a compiler bug cannot reach system(), assignment or files.

# The aggregates of the language ignore missing values; mean, min and max of nothing are NA
# (R would give NaN or +-Inf with a warning), sum of nothing is 0, sd needs two values.
# `na.rm` is accepted and ignored: the compiler writes it, the answer is always TRUE.
.panthr_aggregate <- function(f) {
  function(..., na.rm = TRUE) {
    v <- base::c(...)
    if (base::all(base::is.na(v))) NA else f(v, na.rm = TRUE)
  }
}

# Functions the formula language may call, by the name the compiled code uses.
.panthr_formula_functions <- list(
  "+" = `+`, "-" = `-`, "*" = `*`, "/" = `/`, "^" = `^`,
  "==" = `==`, "!=" = `!=`, "<" = `<`, "<=" = `<=`, ">" = `>`, ">=" = `>=`,
  "&" = `&`, "|" = `|`, "!" = `!`, "(" = `(`,
  log = function(x, base = exp(1)) base::log(x, base), exp = exp, sqrt = sqrt, abs = abs,
  round = function(x, digits = 0) base::round(x, digits), floor = floor, ceiling = ceiling,
  is.na = is.na,
  mean = .panthr_aggregate(base::mean), min = .panthr_aggregate(base::min),
  max = .panthr_aggregate(base::max),
  sum = function(..., na.rm = TRUE) base::sum(..., na.rm = TRUE),
  sd = function(x, na.rm = TRUE) stats::sd(x, na.rm = TRUE)
)

# The exact wrappers converters/formula/to-r.ts writes, compared as syntax trees (never
# evaluated): the NA-safe aggregate and the filter. Recognised ones are replaced by the
# language's own functions before the check, so the compiler's output runs here unchanged.
.panthr_formula_templates <- local({
  p <- function(text) parse(text = text, keep.source = FALSE)[[1L]]
  agg <- function(fn) p(sprintf(paste0("(function(...) { v <- base::c(...); if (base::all(",
                                       "base::is.na(v))) NA else base::%s(v, na.rm = TRUE) })"), fn))
  list(aggregate = list(mean = agg("mean"), min = agg("min"), max = agg("max")),
       filter = p(paste0("(function(v, n) { if (!base::is.logical(v)) base::stop(\"the filter ",
                         "formula must give true or false\", call. = FALSE); w <- base::rep_len(v, n); ",
                         "!base::is.na(w) & w })")),
       nrow = p("base::nrow(.d)"))
})

# Rewrite the compiler's spellings into the language: base::f / stats::f -> f, the
# aggregate wrapper -> mean/min/max, na.rm = TRUE dropped, Inf -> the number.
.panthr_formula_normalize <- function(e) {
  if (identical(e, as.name("Inf"))) return(Inf)
  if (!is.call(e)) return(e)
  f <- e[[1L]]
  args <- lapply(as.list(e)[-1L], .panthr_formula_normalize)
  if (!is.null(names(args))) {
    drop <- names(args) == "na.rm" & vapply(args, isTRUE, NA)
    args <- args[!drop]
    if (all(names(args) == "")) names(args) <- NULL
  }
  templates <- .panthr_formula_templates$aggregate
  for (fn in names(templates)) if (identical(f, templates[[fn]])) f <- as.name(fn)
  if (is.call(f) && identical(f[[1L]], as.name("::")) && length(f) == 3L &&
      as.character(f[[2L]]) %in% c("base", "stats")) f <- f[[3L]]
  as.call(c(list(f), args))
}

#' The environment compiled formulas are evaluated in.
#' @param d data.frame: bound to `.d`.
#' @return an environment (parent emptyenv()) holding only `.d`, `[[` restricted to
#'   `.d[["name"]]`, and the functions of the formula language (the aggregates mean, sd,
#'   min, max, sum always drop missing values; mean/min/max of nothing are NA).
panthr_formula_env <- function(d) {
  env <- list2env(.panthr_formula_functions, parent = emptyenv())
  env$.d <- d
  env[["[["]] <- function(x, name) {
    if (!is.character(name) || length(name) != 1L) stop("a column name must be a string")
    if (!(name %in% names(x))) panthr_stop("not_found", "variable ", .panthr_q(name), " not found")
    .subset2(x, name)
  }
  env
}

# Walk a call: only allowed functions, `.d[["literal"]]`, constants and the symbol `.d`.
.panthr_formula_check <- function(e) {
  if (is.call(e)) {
    f <- e[[1L]]
    if (!is.symbol(f)) panthr_stop("invalid_object", "formula: a function must be a name")
    fname <- as.character(f)
    if (fname == "[[") {
      if (length(e) != 3L || !identical(e[[2L]], as.name(".d")) || !is.character(e[[3L]]))
        panthr_stop("invalid_object", "formula: [[ is allowed only as .d[[\"name\"]]")
      return(invisible())
    }
    if (!(fname %in% names(.panthr_formula_functions)))
      panthr_stop("invalid_object", "formula: unknown function ", .panthr_q(fname))
    for (arg in as.list(e)[-1L]) .panthr_formula_check(arg)
  } else if (is.symbol(e)) {
    panthr_stop("invalid_object", "formula: unknown name ", .panthr_q(as.character(e)))
  } else if (!(is.atomic(e) && length(e) == 1L)) {
    panthr_stop("invalid_object", "formula: unexpected element")
  }
  invisible()
}

#' Evaluate a compiled formula on a data frame.
#' @param d data.frame: the dataset, bound to `.d`.
#' @param expr character(1): R code from converters/formula (compileFormula with dataVar
#'   ".d", mode "value" or "filter"; never user text), or a call / length-1 expression.
#'   The code is parsed, rewritten to the formula language (see
#'   .panthr_formula_normalize), checked and evaluated in panthr_formula_env(d).
#' @return "value" mode: a vector of nrow(d) (a length-1 value is recycled). "filter" mode
#'   (the compiler's filter wrapper): a logical vector of nrow(d), TRUE only where the
#'   formula is TRUE; an r_error "the filter formula must give true or false" otherwise.
panthr_eval_formula <- function(d, expr) {
  if (is.character(expr)) {
    if (length(expr) != 1L || is.na(expr)) panthr_stop("invalid_object", "formula: one string")
    expr <- parse(text = expr, keep.source = FALSE)
  }
  if (is.expression(expr)) {
    if (length(expr) != 1L) panthr_stop("invalid_object", "formula: one expression")
    expr <- expr[[1L]]
  }
  tpl <- .panthr_formula_templates
  filter <- is.call(expr) && length(expr) == 3L && identical(expr[[1L]], tpl$filter) &&
    identical(expr[[3L]], tpl$nrow)
  if (filter) expr <- expr[[2L]]
  expr <- .panthr_formula_normalize(expr)
  .panthr_formula_check(expr)
  value <- eval(expr, panthr_formula_env(d))
  if (!is.atomic(value) || is.null(value))
    panthr_stop("r_error", "formula: the value is not a vector")
  n <- nrow(d)
  if (filter) {
    if (!is.logical(value)) panthr_stop("r_error", "the filter formula must give true or false")
    value <- rep_len(value, n)
    return(!is.na(value) & value)
  }
  if (length(value) == 1L && n != 1L) value <- rep(value, n)
  if (length(value) != n)
    panthr_stop("r_error", "the formula gives ", length(value), " values for ", n, " rows")
  value
}
