-- store_categories: the product categories the store's orders use, most orders first.
SELECT category, count(*) AS orders
FROM orders
WHERE category IS NOT NULL AND trim(category) <> ''
GROUP BY category
ORDER BY orders DESC, category;
