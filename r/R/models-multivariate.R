# Analyses of several scalar variables (API.md "Analyses added in API 1.1"): a correlation
# matrix of cor.test per pair, Cronbach's alpha (psych::alpha), principal components
# (prcomp) and maximum-likelihood factor analysis (factanal). Each uses the rows with a value
# in every named variable (R's na.omit).

# The complete rows of two or more scalar columns, under the user's names (no formula is
# built from them), and the same as code.
.panthr_scalar_rows <- function(data, variables, n_min = 2L) {
  .panthr_vars(data, variables, n_min, Inf)
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  cols <- lapply(variables, function(v) panthr_column(data, v, "scalar"))
  d <- structure(cols, names = unname(variables), class = "data.frame",
                 row.names = .set_row_names(nrow(data)))
  d <- d[stats::complete.cases(d), , drop = FALSE]
  rownames(d) <- NULL
  list(data = d, n = nrow(d),
       code = paste0("used <- na.omit(", panthr_code_data(), "[",
                     panthr_code_value(unname(variables)), "])"))
}

#' Correlation matrix: stats::cor.test for each pair of variables.
#' @param options named list: method ("pearson", "spearman", "kendall").
#' @return list(method, matrix = list(variables, r, p_value, n): k x k, as arrays of rows;
#'   the diagonal has r = 1 and p_value null), r_code, n.
panthr_cor <- function(data, variables, options = list()) {
  .panthr_known_options(options, "method")
  method <- panthr_option(options, "method", "pearson", "choice",
                          c("pearson", "spearman", "kendall"))
  s <- .panthr_scalar_rows(data, variables)
  if (s$n < 3L) panthr_stop("invalid_object", "cor needs at least 3 rows with every value")
  k <- length(variables)
  r <- diag(k)
  p <- matrix(NA_real_, k, k)
  for (i in seq_len(k - 1L)) for (j in (i + 1L):k) {
    h <- stats::cor.test(s$data[[i]], s$data[[j]], method = method)
    r[i, j] <- r[j, i] <- unname(h$estimate)
    p[i, j] <- p[j, i] <- h$p.value
  }
  each <- function(what) paste0("sapply(used, function(y) sapply(used, function(x) ",
                                "cor.test(x, y, method = \"", method, "\")$", what, "))")
  list(method = method,
       matrix = list(variables = I(unname(variables)), r = r, p_value = p,
                     n = matrix(s$n, k, k)),
       r_code = panthr_r_code(s$code, each("estimate"), each("p.value"), "nrow(used)"),
       n = s$n)
}

#' Cronbach's alpha, psych::alpha.
#' @param options named list: reverse (names of items to reverse-score; psych reverses x as
#'   max + min - x over all items).
#' @return list(raw_alpha, std_alpha, items = {item, r_drop, alpha_if_dropped, mean, sd},
#'   r_code, n).
panthr_alpha <- function(data, variables, options = list()) {
  .panthr_known_options(options, "reverse")
  s <- .panthr_scalar_rows(data, variables)
  reverse <- unlist(.panthr_or(options$reverse, character()))
  if (!is.null(reverse) && (!is.character(reverse) || anyNA(reverse)))
    panthr_stop("invalid_object", "option reverse must be a list of item names")
  bad <- setdiff(reverse, variables)
  if (length(bad))
    panthr_stop("invalid_object", "option reverse names ", .panthr_q(bad[[1L]]),
                ", which is not one of the items")
  keys <- if (length(reverse)) reverse
  # psych says "Number of categories should be increased ..." of items that are not counts:
  # about its frequency table, not the result, and a message would only reach R's stderr.
  a <- suppressMessages(psych::alpha(s$data, keys = keys))
  items <- data.frame(item = unname(variables), r_drop = a$item.stats$r.drop,
                      alpha_if_dropped = a$alpha.drop$raw_alpha,
                      mean = a$item.stats$mean, sd = a$item.stats$sd)
  call <- paste0("a <- psych::alpha(used",
                 if (length(keys)) paste0(", keys = ", panthr_code_value(keys)), ")")
  list(raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
       items = panthr_table(items),
       r_code = panthr_r_code(s$code, call, "a$total", "a$alpha.drop", "a$item.stats"),
       n = s$n)
}

# A loadings matrix as {columns = c("variable", its column names), rows}.
.panthr_loadings <- function(m, variables) {
  m <- unclass(m)
  df <- data.frame(variable = unname(variables), unname(m), stringsAsFactors = FALSE)
  names(df) <- c("variable", colnames(m))
  panthr_table(df)
}

#' Principal components, stats::prcomp (centred).
#' @param options named list: scale (flag, TRUE: unit variance first).
#' @return list(sdev, variance_explained (proportions), loadings = {variable, PC1, ...},
#'   r_code, n).
panthr_prcomp <- function(data, variables, options = list()) {
  .panthr_known_options(options, "scale")
  scale <- panthr_option(options, "scale", TRUE, "flag")
  s <- .panthr_scalar_rows(data, variables)
  if (s$n < 2L) panthr_stop("invalid_object", "prcomp needs at least 2 rows with every value")
  p <- stats::prcomp(s$data, center = TRUE, scale. = scale)
  list(sdev = I(p$sdev), variance_explained = I(p$sdev^2 / sum(p$sdev^2)),
       loadings = .panthr_loadings(p$rotation, variables),
       r_code = panthr_r_code(s$code, paste0("p <- prcomp(used, scale. = ", scale, ")"),
                              "p$sdev", "p$sdev^2 / sum(p$sdev^2)", "p$rotation"),
       n = s$n)
}

#' Maximum-likelihood factor analysis, stats::factanal.
#' @param options named list: factors (a whole number >= 1; 1), rotation ("varimax",
#'   "promax", "none"; "varimax").
#' @return list(loadings = {variable, Factor1, ...}, uniquenesses (in the variables'
#'   order), statistic, df, p_value (null when the model has no degrees of freedom), r_code,
#'   n).
panthr_factanal <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("factors", "rotation"))
  factors <- panthr_option(options, "factors", 1, "number")
  rotation <- panthr_option(options, "rotation", "varimax", "choice",
                            c("varimax", "promax", "none"))
  if (factors < 1 || factors != round(factors))
    panthr_stop("invalid_object", "option factors must be a whole number of at least 1")
  s <- .panthr_scalar_rows(data, variables, 3L)
  k <- length(variables)
  if ((k - factors)^2 < k + factors)
    panthr_stop("invalid_object", factors, " factors are too many for ", k, " variables")
  f <- stats::factanal(s$data, factors = factors, rotation = rotation)
  call <- paste0("f <- factanal(used, factors = ", factors, ", rotation = \"", rotation, "\")")
  list(loadings = .panthr_loadings(f$loadings, variables),
       uniquenesses = I(unname(f$uniquenesses)),
       statistic = .panthr_num(f$STATISTIC), df = f$dof, p_value = .panthr_num(f$PVAL),
       r_code = panthr_r_code(s$code, call, "f$loadings", "f$uniquenesses",
                              "c(statistic = f$STATISTIC, df = f$dof, p_value = f$PVAL)"),
       n = s$n)
}

panthr_register("test", "cor", panthr_cor)
panthr_register("test", "alpha", panthr_alpha)
panthr_register("test", "prcomp", panthr_prcomp)
panthr_register("test", "factanal", panthr_factanal)
