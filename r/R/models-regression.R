# Regression models (API.md "Analyses added in API 1.1"): lm with treatment contrasts for
# nominal predictors (polynomial ones, R's default, for ordinal), interactions, intervals,
# standardised estimates, AIC/BIC, (G)VIF and Durbin-Watson; glm for a two-level outcome
# (binomial) with odds ratios and a classification table.

# The fitted model of lm and glm: the predictors crossed (interactions) or added.
.panthr_regression_frame <- function(data, variables, options, y_kind) {
  .panthr_vars(data, variables, 2L, Inf)
  interactions <- panthr_option(options, "interactions", FALSE, "flag")
  md <- .panthr_model_frame(data, variables, c(y_kind, rep("term", length(variables) - 1L)))
  x <- seq_along(variables)[-1L]
  mf <- if (interactions) .panthr_model_formula(md, x, integer(), TRUE) else
    .panthr_model_formula(md, integer(), x, FALSE)
  list(md = md, mf = mf)
}

# The term of each coefficient (0 the intercept): what attr(model.matrix(fit), "assign")
# gives, which lm keeps in the fit (a model matrix of 1e6 rows costs ~0.1 s).
.panthr_assign <- function(fit) {
  if (!is.null(fit$assign)) fit$assign else attr(stats::model.matrix(fit), "assign")
}

# A coefficient table's terms in the user's names (rows of coef(summary(fit))).
.panthr_coef_terms <- function(fit, md, rows) {
  sets <- .panthr_term_sets(fit, md)
  assign <- .panthr_assign(fit)[match(rows, names(stats::coef(fit)))]
  .panthr_coef_names(rows, assign, sets, md)
}

# Estimates of the same model on z-scored variables (y and the scalar predictors); NA for
# terms with a factor in them. Without interactions the z-scored model's matrix is the
# fit's own with each scalar column replaced by its z-scores, so it is fitted from that
# matrix (lm.fit, as lm itself ends), the same numbers without a second model frame.
.panthr_std_estimates <- function(fit, md, formula, rows) {
  scalar <- !md$nominal
  z <- md$data
  # A constant response has no z-scores: no standardised estimate at all.
  if (scalar[[1L]] && !isTRUE(stats::sd(z[[1L]], na.rm = TRUE) > 0))
    return(rep(NA_real_, length(rows)))
  # A constant predictor is centred only (all zeros): its coefficient is aliased, NA, as in
  # the fit itself (scale() would make it NaN, and the refit would fail).
  z[scalar] <- lapply(z[scalar], function(v) {
    if (isTRUE(stats::sd(v, na.rm = TRUE) > 0)) as.numeric(scale(v))
    else v - mean(v, na.rm = TRUE)
  })
  sets <- .panthr_term_sets(fit, md)
  assign <- .panthr_assign(fit)
  if (all(lengths(sets) == 1L) && is.null(fit$weights) && is.null(fit$offset) &&
      is.null(fit$na.action)) {
    x <- stats::model.matrix(fit)
    for (t in which(scalar[unlist(sets)])) x[, assign == t] <- z[[sets[[t]]]]
    est <- stats::lm.fit(x, z[[1L]])$coefficients[rows]  # z[[1L]]: the response
  } else {
    est <- stats::coef(stats::lm(formula, data = z))[rows]
  }
  assign <- assign[match(rows, names(stats::coef(fit)))]
  factor_term <- vapply(assign, function(a) a > 0L && any(md$nominal[sets[[a]]]), logical(1L))
  unname(ifelse(factor_term, NA_real_, est))
}

# Warns of coefficients R could not estimate (NA: a predictor that is constant or a linear
# combination of the others), which the coefficient tables leave out as summary() does.
.panthr_warn_aliased <- function(fit, md) {
  co <- stats::coef(fit)
  if (!anyNA(co)) return(invisible())
  terms <- .panthr_coef_terms(fit, md, names(co)[is.na(co)])
  warning("left out of the model (not estimable: constant, or a linear combination of the ",
          "other predictors): ", paste(terms, collapse = ", "), call. = FALSE)
}

#' Generalised variance inflation factors per term, as car::vif (Fox & Monette 1992):
#' det(R_term) det(R_others) / det(R) of the coefficients' correlation matrix without the
#' intercept; NULL with fewer than two terms, and NULL with a warning when a coefficient is
#' aliased (car::vif stops there: a predictor that is a linear combination of the others
#' has no finite inflation, and the others' would be computed as if it were absent).
#' @return data.frame(term, vif, df, vif_adj = vif^(1 / (2 df))) or NULL.
.panthr_vif <- function(fit, md) {
  sets <- .panthr_term_sets(fit, md)
  if (length(sets) < 2L) return(NULL)
  if (anyNA(stats::coef(fit))) {
    warning("vif is not computed: there are aliased coefficients in the model (a predictor ",
            "is a linear combination of the others)", call. = FALSE)
    return(NULL)
  }
  v <- stats::vcov(fit)
  assign <- .panthr_assign(fit)
  keep <- assign != 0L
  r <- stats::cov2cor(v[keep, keep, drop = FALSE])
  assign <- assign[keep]
  gvif <- vapply(seq_along(sets), function(t) {
    s <- which(assign == t)
    det(r[s, s, drop = FALSE]) * det(r[-s, -s, drop = FALSE]) / det(r)
  }, 0)
  df <- vapply(seq_along(sets), function(t) sum(assign == t), 0)
  data.frame(term = .panthr_term_labels(sets, md), vif = gvif, df = df,
             vif_adj = gvif^(1 / (2 * df)), stringsAsFactors = FALSE)
}

#' Linear regression.
#' @param data data.frame; @param variables character: [y, x1, ...]: y scalar; each x
#'   scalar, or nominal/logical (treatment contrasts: term "name" + level) or ordinal (R's
#'   polynomial contrasts: "name.L", "name.Q", ...).
#' @param options named list: interactions (flag, FALSE: all interactions of the predictors).
#' @return list(coefficients = {term, estimate, std_error, t_value, p_value, conf_low,
#'   conf_high, std_estimate}, r_squared, adj_r_squared, sigma, df, f_statistic, p_value,
#'   aic, bic, vif ({term, vif, df, vif_adj} or NULL), durbin_watson, r_code, n). Aliased
#'   (NA) coefficients are left out of the table, as in summary.lm.
panthr_lm <- function(data, variables, options = list()) {
  .panthr_known_options(options, "interactions")
  rf <- .panthr_regression_frame(data, variables, options, "scalar")
  md <- rf$md
  fit <- stats::lm(rf$mf$formula, data = md$data)
  .panthr_warn_aliased(fit, md)
  s <- summary(fit)
  co <- s$coefficients
  ci <- stats::confint(fit)[rownames(co), , drop = FALSE]
  table <- data.frame(term = .panthr_coef_terms(fit, md, rownames(co)), estimate = co[, 1L],
                      std_error = co[, 2L], t_value = co[, 3L], p_value = co[, 4L],
                      conf_low = ci[, 1L], conf_high = ci[, 2L],
                      std_estimate = .panthr_std_estimates(fit, md, rf$mf$formula,
                                                           rownames(co)))
  fs <- s$fstatistic
  e <- stats::residuals(fit)
  vif <- .panthr_vif(fit, md)
  # AIC and BIC of one logLik, as stats::AIC and stats::BIC compute them from it.
  ll <- stats::logLik(fit)
  k <- attr(ll, "df")
  deviance <- -2 * as.numeric(ll)
  list(coefficients = panthr_table(table),
       r_squared = s$r.squared, adj_r_squared = s$adj.r.squared, sigma = s$sigma,
       df = .panthr_arr(fs[c("numdf", "dendf")]),
       f_statistic = .panthr_num(fs[["value"]]),
       p_value = if (is.null(fs)) NA_real_ else
         stats::pf(fs[["value"]], fs[["numdf"]], fs[["dendf"]], lower.tail = FALSE),
       aic = deviance + 2 * k, bic = deviance + log(attr(ll, "nobs")) * k,
       vif = if (!is.null(vif)) panthr_table(vif),
       durbin_watson = sum(diff(e)^2) / sum(e^2),
       r_code = panthr_r_code(.panthr_lm_code(md, rf$mf$code, !is.null(vif))), n = md$n)
}

.panthr_lm_code <- function(md, formula_code, vif) {
  scalar <- panthr_code_value(md$outer[!md$nominal])
  c(.panthr_used_code(md),
    paste0("fit <- lm(", formula_code, ", data = used)"),
    "summary(fit)",
    "with(summary(fit), pf(fstatistic[1], fstatistic[2], fstatistic[3], lower.tail = FALSE))",
    "confint(fit)",
    "z <- used",
    paste0("z[", scalar, "] <- lapply(z[", scalar, "], function(v) as.numeric(scale(v)))"),
    paste0("coef(lm(", formula_code, ", data = z))"),
    "c(aic = AIC(fit), bic = BIC(fit))",
    "r <- residuals(fit)",
    "sum(diff(r)^2) / sum(r^2)",
    if (vif) c(
      "R <- cov2cor(vcov(fit)[-1, -1])",
      "a <- attr(model.matrix(fit), \"assign\")[-1]",
      paste0("vif <- sapply(seq_along(labels(terms(fit))), function(t) { s <- which(a == t); ",
             "det(R[s, s, drop = FALSE]) * det(R[-s, -s, drop = FALSE]) / det(R) })"),
      "df <- tabulate(a, length(labels(terms(fit))))",
      "data.frame(term = labels(terms(fit)), vif, df, vif_adj = vif^(1 / (2 * df)))"))
}

#' Logistic regression (binomial glm) of a two-level outcome.
#' @param data data.frame; @param variables character: [y, x1, ...]: y nominal, ordinal or
#'   logical with two levels in the rows used (the second is the event), or numbers 0/1;
#'   predictors as for lm.
#' @param options named list: family ("binomial"), interactions (flag, FALSE).
#' @return list(coefficients = {term, estimate, std_error, z_value, p_value, odds_ratio,
#'   conf_low, conf_high} (Wald intervals, confint.default, exponentiated), aic, deviance,
#'   null_deviance, df_residual, classification ({columns = observed, the two levels;
#'   rows: observed level, counts predicted as each level at 0.5}), r_code, n).
panthr_glm <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("family", "interactions"))
  panthr_option(options, "family", "binomial", "choice", "binomial")
  .panthr_vars(data, variables, 2L, Inf)
  y <- panthr_column(data, variables[[1L]])
  numeric_y <- is.numeric(y) && !is.factor(y)
  rf <- .panthr_regression_frame(data, variables, options, if (numeric_y) "scalar" else "nominal")
  md <- rf$md
  y <- md$data[[1L]]
  if (numeric_y && !all(y %in% c(0, 1)))
    panthr_stop("invalid_object", "a numeric outcome of glm must be 0 or 1")
  levels <- if (numeric_y) c("0", "1") else levels(y)
  if (length(levels) != 2L || (numeric_y && length(unique(y)) != 2L))
    panthr_stop("invalid_object", "the outcome ", .panthr_q(variables[[1L]]),
                " must have exactly 2 levels in the rows used")
  fit <- stats::glm(rf$mf$formula, family = stats::binomial(), data = md$data)
  .panthr_warn_aliased(fit, md)
  co <- summary(fit)$coefficients
  ci <- exp(stats::confint.default(fit))[rownames(co), , drop = FALSE]
  table <- data.frame(term = .panthr_coef_terms(fit, md, rownames(co)), estimate = co[, 1L],
                      std_error = co[, 2L], z_value = co[, 3L], p_value = co[, 4L],
                      odds_ratio = exp(co[, 1L]), conf_low = ci[, 1L], conf_high = ci[, 2L])
  observed <- factor(if (numeric_y) y else as.integer(y) - 1L, levels = 0:1, labels = levels)
  predicted <- factor(stats::fitted(fit) > 0.5, levels = c(FALSE, TRUE), labels = levels)
  tab <- unclass(table(observed, predicted))
  # The model against the intercept alone: the likelihood-ratio chi-squared (the drop in
  # deviance), McFadden's pseudo R-squared (1 - deviance / null deviance: a 0/1 outcome's
  # saturated log-likelihood is 0), and the share of rows classified right at 0.5.
  lr <- fit$null.deviance - stats::deviance(fit)
  lr_df <- fit$df.null - stats::df.residual(fit)
  list(coefficients = panthr_table(table), aic = stats::AIC(fit),
       deviance = stats::deviance(fit), null_deviance = fit$null.deviance,
       df_residual = stats::df.residual(fit),
       lr_test = list(statistic = lr, df = lr_df,
                      p_value = stats::pchisq(lr, lr_df, lower.tail = FALSE)),
       pseudo_r2 = 1 - stats::deviance(fit) / fit$null.deviance,
       percent_correct = 100 * sum(diag(tab)) / sum(tab),
       classification = .panthr_count_table(tab, "observed"),
       r_code = panthr_r_code(.panthr_glm_code(md, rf$mf$code, if (!numeric_y) levels)),
       n = md$n)
}

.panthr_glm_code <- function(md, formula_code, levels) {
  yc <- paste0("used$", panthr_code_name(md$outer[[1L]]))
  c(.panthr_used_code(md),
    if (!is.null(levels))
      paste0(yc, " <- factor(", yc, ", levels = ", panthr_code_value(levels), ")"),
    paste0("fit <- glm(", formula_code, ", family = binomial, data = used)"),
    "summary(fit)",
    "exp(cbind(odds_ratio = coef(fit), confint.default(fit)))",
    paste0("c(aic = AIC(fit), deviance = deviance(fit), null_deviance = fit$null.deviance, ",
           "df_residual = df.residual(fit))"),
    "anova(update(fit, . ~ 1), fit, test = \"Chisq\")",
    "c(pseudo_r2 = 1 - deviance(fit) / fit$null.deviance)",
    paste0(".tab <- table(observed = ", yc, ", predicted = factor(fitted(fit) > 0.5, ",
           "levels = c(FALSE, TRUE)))"),
    ".tab",
    "c(percent_correct = 100 * sum(diag(.tab)) / sum(.tab))")
}

panthr_register("test", "lm", panthr_lm)
panthr_register("test", "glm", panthr_glm)
