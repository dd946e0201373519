let since = time({a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a="2000-01-01T00:00:00Z"}}}}}}}}}}}}}}}}}}}}}}}}}}}}}})
where time(_) >= since
