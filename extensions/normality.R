# PanthR extension "normality": a normal QQ plot with a reference line, per group. (It also
# offered the Shapiro-Wilk test, which is now the built-in test "shapiro.test"; registering
# it here again would replace the built-in one, with its `by` option and r_code.) Load it
# with "extensions": {"normality": "extensions/normality.R"} in panthr_config.json. It uses
# only PanthR.r's public helpers (see docs/extensions.md).

# Graph "qqnorm": variables [x, group?]. The sample quantiles against the normal ones, with
# qqline's reference line (through the quartiles) per group, colored from the palette.
panthr_register("graph", "qqnorm", function(data, variables, o) {
  if (length(variables) < 1L || length(variables) > 2L)
    panthr_stop("invalid_object", "qqnorm needs [x] or [x, group]")
  x <- panthr_column(data, variables[[1L]], "scalar")
  g <- if (length(variables) == 2L) droplevels(panthr_column(data, variables[[2L]], "nominal"))
  groups <- if (is.null(g)) list(x) else split(x, g)
  groups <- lapply(groups, function(v) v[!is.na(v)])
  if (!any(lengths(groups) > 0L)) panthr_stop("invalid_object", "no values to draw")
  st <- o$style
  cols <- rep_len(st$colors, length(groups))
  theo <- lapply(groups, function(v) stats::qqnorm(v, plot.it = FALSE))
  all_x <- unlist(lapply(theo, `[[`, "x"))
  all_y <- unlist(lapply(theo, `[[`, "y"))
  graphics::plot(all_x, all_y, type = "n", main = if (is.null(o$main)) "Normal Q-Q plot" else o$main,
                 xlab = if (is.null(o$xlab)) "Theoretical quantiles" else o$xlab,
                 ylab = if (is.null(o$ylab)) variables[[1L]] else o$ylab,
                 xlim = o$xlim, ylim = o$ylim)
  for (i in seq_along(groups)) {
    if (!length(groups[[i]])) next
    graphics::points(theo[[i]]$x, theo[[i]]$y, col = cols[[i]], pch = st$pch, cex = st$cex)
    stats::qqline(groups[[i]], col = cols[[i]], lwd = st$lwd, lty = st$lty)
  }
  if (!is.null(g) && nlevels(g) > 1L)
    graphics::legend("topleft", legend = levels(g), col = cols, pch = st$pch, bty = "n")
})
