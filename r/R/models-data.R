# What the models share: the rows they use, their formulas and the names of their terms.
# A formula is built twice from the same structure: from symbols of internal column names
# (V1, V2, ...) to fit, so R never parses a user's name, and from symbols of the user's names
# only to deparse it into r_code (deparse quotes a name that is not syntactic).

#' The complete rows of the chosen columns, under internal names V1, V2, ...
#' @param data data.frame; @param variables character: column names (none twice).
#' @param kinds character, one per variable: "scalar" (numbers), "nominal" (a factor) or
#'   "term" (numbers stay numbers; factor, character or logical become a factor).
#' @return list(data = data.frame of the rows with no missing value in any of the columns
#'   (R's na.omit), unused levels dropped (an ordinal variable stays an ordered factor, so
#'   it gets R's default polynomial contrasts, .L, .Q, ...; a nominal one treatment
#'   contrasts); inner, outer = internal and user names; nominal = logical per
#'   variable; ordered, logical = logical per variable: the user's column is an ordered
#'   factor, a logical column; n = rows used).
.panthr_model_frame <- function(data, variables, kinds) {
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  cols <- Map(function(v, k) {
    x <- panthr_column(data, v)
    if (k == "term") {
      k <- if (is.numeric(x) && !is.factor(x)) "scalar" else "nominal"
    }
    if (k == "nominal" && !is.factor(x) && !is.logical(x) && !is.character(x))
      panthr_stop("invalid_object", "variable ", .panthr_q(v), " cannot be a model term")
    panthr_column(data, v, k)
  }, variables, kinds)
  inner <- paste0("V", seq_along(variables))
  d <- structure(unname(cols), names = inner, class = "data.frame",
                 row.names = .set_row_names(nrow(data)))
  # Rows and factors are copied only when something is to be dropped (1e6 rows: ~0.1 s each).
  complete <- stats::complete.cases(d)
  if (!all(complete)) d <- d[complete, , drop = FALSE]
  ordered <- vapply(cols, is.ordered, logical(1L), USE.NAMES = FALSE)
  nominal <- vapply(cols, is.factor, logical(1L), USE.NAMES = FALSE)
  logical <- vapply(variables, function(v) is.logical(data[[v]]), logical(1L), USE.NAMES = FALSE)
  for (j in which(nominal)) {
    f <- d[[j]]
    plain <- identical(attributes(f), list(levels = levels(f), class = "factor"))
    if (!plain || !all(tabulate(f, nlevels(f)) > 0L))
      d[[j]] <- factor(f)  # drops unused levels, keeps an ordered factor ordered
  }
  rownames(d) <- NULL
  if (nrow(d) == 0L) panthr_stop("invalid_object", "no row has a value in every variable")
  for (j in setdiff(which(nominal), 1L)) {
    if (nlevels(d[[j]]) < 2L)
      panthr_stop("invalid_object", "variable ", .panthr_q(variables[[j]]),
                  " has fewer than 2 levels in the rows used")
  }
  list(data = d, inner = inner, outer = unname(variables), nominal = nominal,
       ordered = ordered, logical = logical, n = nrow(d))
}

#' The rows a model uses, as R code: the set-up's data frame, the named columns, na.omit,
#' unused levels dropped (the set-up made ordinal variables ordered factors, as the server
#' has them).
#' @param md a model frame (.panthr_model_frame). @return character lines defining `used`.
.panthr_used_code <- function(md) {
  paste0("used <- droplevels(na.omit(", panthr_code_data(), "[",
         panthr_code_value(md$outer), "]))")
}

# A right-hand side as a call: `crossed` joined by `*` (or `+` without interactions), then
# `added` joined by `+`; each a character vector of names made into symbols.
.panthr_rhs_call <- function(crossed, added, interactions) {
  op <- if (interactions) "*" else "+"
  join <- function(names, op) {
    if (!length(names)) return(NULL)
    Reduce(function(a, b) call(op, a, b), lapply(names, as.name))
  }
  parts <- Filter(Negate(is.null), list(join(crossed, op), join(added, "+")))
  if (!length(parts)) return(1)
  Reduce(function(a, b) call("+", a, b), parts)
}

#' A formula from term sets: each term an integer vector of variable positions.
#' @param md model frame; @param terms list of integer vectors; @param user symbols of the
#'   user's names (for code) instead of internal ones (to fit).
#' @return a formula (internal) or its deparsed code (user).
.panthr_terms_formula <- function(md, terms, user = FALSE) {
  names <- if (user) md$outer else md$inner
  term <- function(ix) Reduce(function(a, b) call(":", a, b), lapply(names[ix], as.name))
  rhs <- if (!length(terms)) 1 else Reduce(function(a, b) call("+", a, b), lapply(terms, term))
  f <- call("~", as.name(names[[1L]]), rhs)
  if (user) .panthr_deparse(f) else stats::as.formula(f, env = baseenv())
}

.panthr_max_crossed <- 8L

#' A model's formula to fit and the same formula as code.
#' @param md model frame; @param crossed,added integer positions of the predictors (see
#'   .panthr_rhs_call). @return list(formula, code).
.panthr_model_formula <- function(md, crossed, added, interactions) {
  # k crossed variables make 2^k - 1 terms: past a few, R would grind until the time limit.
  if (interactions && length(crossed) > .panthr_max_crossed)
    panthr_stop("invalid_object", "interactions of more than ", .panthr_max_crossed,
                " variables are not supported (", length(crossed), " given)")
  make <- function(names) {
    call("~", as.name(names[[1L]]), .panthr_rhs_call(names[crossed], names[added], interactions))
  }
  list(formula = stats::as.formula(make(md$inner), env = baseenv()),
       code = .panthr_deparse(make(md$outer)))
}

.panthr_deparse <- function(x) paste(deparse(x, width.cutoff = 500L), collapse = " ")

#' The variable positions of each of a fit's terms (its term labels, V2:V3 -> c(2, 3)).
.panthr_term_sets <- function(fit, md) {
  lapply(strsplit(attr(stats::terms(fit), "term.labels"), ":", fixed = TRUE),
         function(parts) match(parts, md$inner))
}

#' Term labels in the user's names ("supp:dose").
.panthr_term_labels <- function(sets, md) {
  vapply(sets, function(ix) paste(md$outer[ix], collapse = ":"), "")
}

#' Coefficient names in the user's names: each part of "V2b:V3" is an internal name followed
#' by a level (for a factor) or nothing; the level is found among the factor's levels, so a
#' level that itself holds ":" is read right.
#' @param names coefficient names; @param assign their term positions (0 = intercept).
.panthr_coef_names <- function(names, assign, sets, md) {
  one <- function(name, a) {
    if (a == 0L) return(name)
    ix <- sets[[a]]
    rest <- name
    out <- character()
    for (i in seq_along(ix)) {
      rest <- substring(rest, nchar(md$inner[[ix[[i]]]]) + 1L)
      suffix <- rest
      if (i < length(ix)) {
        # A coefficient's suffix: a level (treatment contrasts) or a polynomial's .L, .Q ...
        f <- md$data[[ix[[i]]]]
        cand <- if (md$nominal[[ix[[i]]]]) c(levels(f), colnames(stats::contrasts(f))) else ""
        cand <- cand[order(-nchar(cand))]
        hit <- cand[startsWith(rest, paste0(cand, ":", md$inner[[ix[[i + 1L]]]]))]
        suffix <- if (length(hit)) hit[[1L]] else ""
        rest <- substring(rest, nchar(suffix) + 2L)
      }
      out <- c(out, paste0(md$outer[[ix[[i]]]], suffix))
    }
    paste(out, collapse = ":")
  }
  unname(mapply(one, names, assign, USE.NAMES = FALSE))
}

# A number or NA: NaN and infinities (a degenerate fit) become NA, null in JSON.
.panthr_finite <- function(x) ifelse(is.finite(x), x, NA_real_)

#' A matrix of counts as {columns = c(first, column labels), rows = [[row label, counts]]}.
.panthr_count_table <- function(m, first) {
  rows <- lapply(seq_len(nrow(m)), function(i) c(list(rownames(m)[[i]]), as.list(unname(m[i, ]))))
  list(columns = I(c(first, colnames(m))), rows = rows)
}
