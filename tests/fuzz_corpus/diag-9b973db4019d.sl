let page from n = drop from | take n
page 