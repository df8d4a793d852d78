# Reference fits in R (nlme, lme4, lm) for bench/validate_r.py and
# bench/lagged_apim_bench.py. Installs nothing; needs lme4 and nlme.
#
# Usage: Rscript bench/r_models.R TASK INPUT.csv OUTPUT.csv [name=value ...]
#   lagged    dyad= time= a= b= [slopes=yes] [method=reml|ml] [tight=yes]
#   apim      dyad= outcome= actor= partner= [distinguish=COLUMN]
#   networks  dyad= time= a= b= [min_pairs=10]
# OUTPUT.csv gets one row per term: term, estimate, std_error (+ extra columns).

args <- commandArgs(trailingOnly = TRUE)
task <- args[1]
input <- args[2]
output <- args[3]
opts <- args[-(1:3)]

opt <- function(name, default = NULL) {
  hit <- grep(paste0("^", name, "="), opts, value = TRUE)
  if (length(hit)) sub(paste0("^", name, "="), "", hit[1]) else default
}

d <- read.csv(input, check.names = FALSE)

# Index of each row's previous occasion (t - 1) of the same couple, or NA.
previous_row <- function(d, dyad, time) {
  match(paste(d[[dyad]], d[[time]] - 1), paste(d[[dyad]], d[[time]]))
}

if (task == "lagged") {
  suppressMessages(library(lme4))
  a <- opt("a"); b <- opt("b")
  prev <- previous_row(d, opt("dyad"), opt("time"))
  long <- rbind(
    data.frame(couple = d[[opt("dyad")]], role = "a", y = d[[a]],
               actor_lag = d[[a]][prev], partner_lag = d[[b]][prev]),
    data.frame(couple = d[[opt("dyad")]], role = "b", y = d[[b]],
               actor_lag = d[[b]][prev], partner_lag = d[[a]][prev]))
  long <- long[complete.cases(long), ]
  random <- if (opt("slopes", "no") == "yes") {
    "(0 + role + actor_lag + partner_lag | couple)"
  } else {
    "(0 + role | couple)"
  }
  f <- as.formula(paste("y ~ 0 + role + role:actor_lag + role:partner_lag +", random))
  reml <- opt("method", "reml") == "reml"
  ctl <- if (opt("tight", "no") == "yes") {
    lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12))
  } else {
    lmerControl()
  }
  warned <- ""
  seconds <- system.time(
    m <- withCallingHandlers(
      lmer(f, data = long, REML = reml, control = ctl),
      warning = function(w) {
        warned <<- conditionMessage(w)
        invokeRestart("muffleWarning")
      })
  )[["elapsed"]]
  out <- data.frame(term = names(fixef(m)), estimate = unname(fixef(m)),
                    std_error = unname(sqrt(diag(as.matrix(vcov(m))))))
  out$seconds <- seconds
  out$n_obs <- nrow(long)
  out$criterion <- if (reml) REMLcrit(m) else deviance(m)
  out$warning <- gsub("[\r\n]", " ", warned)
  out$singular <- isSingular(m, tol = 1e-4)  # the rule lagged_apim follows
  write.csv(out, output, row.names = FALSE)
} else if (task == "apim") {
  suppressMessages(library(nlme))
  dd <- data.frame(y = d[[opt("outcome")]], xa = d[[opt("actor")]],
                   xp = d[[opt("partner")]], dyad = d[[opt("dyad")]])
  role <- opt("distinguish", "")
  if (role == "") {
    m <- gls(y ~ xa + xp, data = dd, correlation = corCompSymm(form = ~1 | dyad),
             na.action = na.omit)
  } else {
    dd$role <- factor(trimws(d[[role]]))
    m <- gls(y ~ role + role:xa + role:xp - 1, data = dd,
             correlation = corCompSymm(form = ~1 | dyad),
             weights = varIdent(form = ~1 | role), na.action = na.omit)
  }
  tt <- summary(m)$tTable
  rho <- unname(coef(m$modelStruct$corStruct, unconstrained = FALSE))
  out <- data.frame(term = c(rownames(tt), "rho"),
                    estimate = c(tt[, "Value"], rho),
                    std_error = c(tt[, "Std.Error"], NA))
  write.csv(out, output, row.names = FALSE)
} else if (task == "networks") {
  a <- opt("a"); b <- opt("b")
  min_pairs <- as.integer(opt("min_pairs", "10"))
  prev <- previous_row(d, opt("dyad"), opt("time"))
  d$a_lag <- d[[a]][prev]
  d$b_lag <- d[[b]][prev]
  d$a_now <- d[[a]]
  d$b_now <- d[[b]]
  rows <- list()
  for (couple in split(d, d[[opt("dyad")]])) {
    pairs <- couple[complete.cases(couple[, c("a_lag", "b_lag", "a_now", "b_now")]), ]
    if (nrow(pairs) < min_pairs) next
    fa <- lm(a_now ~ a_lag + b_lag, data = pairs)
    fb <- lm(b_now ~ a_lag + b_lag, data = pairs)
    if (anyNA(coef(fa)) || anyNA(coef(fb))) next
    sa <- summary(fa)$coefficients
    sb <- summary(fb)$coefficients
    rows[[length(rows) + 1]] <- data.frame(
      dyad = couple[[opt("dyad")]][1],
      term = c("intercept_a", "intercept_b", "inertia_a", "inertia_b",
               "carryover_b_to_a", "carryover_a_to_b", "synchrony"),
      estimate = c(sa[1, 1], sb[1, 1], sa[2, 1], sb[3, 1], sa[3, 1], sb[2, 1],
                   cor(resid(fa), resid(fb))),
      std_error = c(sa[1, 2], sb[1, 2], sa[2, 2], sb[3, 2], sa[3, 2], sb[2, 2], NA))
  }
  write.csv(do.call(rbind, rows), output, row.names = FALSE)
} else {
  stop(paste("unknown task", task))
}
